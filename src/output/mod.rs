//! Run folders and their files (design §9): every file is written atomically.

mod atomic;

pub use atomic::write_atomic;
