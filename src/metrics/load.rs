//! Requests per one-second bucket (AS load, design §7), exact.
//!
//! A month has 2.6 million seconds: one `u32` each is 10 MB, and a user's
//! requests land at random places in it, one cache miss each. Requests are
//! therefore buffered and applied in batches grouped by page of the array
//! (a counting sort on the page number), so each page is touched once per
//! batch while it is in cache. The result is the same exact counts.

/// Seconds per page of the count array (16 KiB of `u32`).
const PAGE_SHIFT: u32 = 12;
/// Requests buffered before a batch is applied (256 KiB of `u32`).
const BATCH: usize = 1 << 16;

/// Exact per-second request counts, written through a buffer.
#[derive(Debug, Clone, Default)]
pub struct PerSecond {
    counts: Vec<u32>,
    pending: Vec<u32>,
    scratch: Vec<u32>,
    pages: Vec<u32>,
}

impl PartialEq for PerSecond {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.flush();
        b.flush();
        a.counts == b.counts
    }
}

impl PerSecond {
    /// Zero counts for `seconds` buckets.
    pub fn new(seconds: usize) -> Self {
        PerSecond {
            counts: vec![0; seconds],
            pending: Vec::new(),
            scratch: Vec::new(),
            pages: vec![0; (seconds >> PAGE_SHIFT) + 2],
        }
    }

    /// Counts read back from a raw file (shards).
    pub fn from_counts(counts: Vec<u32>) -> Self {
        let pages = vec![0; (counts.len() >> PAGE_SHIFT) + 2];
        PerSecond {
            counts,
            pending: Vec::new(),
            scratch: Vec::new(),
            pages,
        }
    }

    /// One request in second `s` (ignored past the end of the run).
    #[inline]
    pub fn record(&mut self, s: u64) {
        if (s as usize) < self.counts.len() {
            self.pending.push(s as u32);
            if self.pending.len() >= BATCH {
                self.flush();
            }
        }
    }

    /// Applies every buffered request, grouped by page.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.pages.iter_mut().for_each(|p| *p = 0);
        for &s in &self.pending {
            self.pages[(s >> PAGE_SHIFT) as usize + 1] += 1;
        }
        for i in 1..self.pages.len() {
            self.pages[i] += self.pages[i - 1];
        }
        self.scratch.resize(self.pending.len(), 0);
        for &s in &self.pending {
            let slot = &mut self.pages[(s >> PAGE_SHIFT) as usize];
            self.scratch[*slot as usize] = s;
            *slot += 1;
        }
        for &s in &self.scratch {
            self.counts[s as usize] += 1;
        }
        self.pending.clear();
    }

    /// Adds another's counts (both flushed first).
    pub fn merge(&mut self, other: &PerSecond) {
        self.flush();
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for &s in &other.pending {
            self.counts[s as usize] += 1;
        }
    }

    /// The counts; every request recorded must have been flushed.
    pub fn counts(&self) -> &[u32] {
        debug_assert!(
            self.pending.is_empty(),
            "per-second counts read before a flush"
        );
        &self.counts
    }

    /// Number of one-second buckets.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True when there is no bucket (a run shorter than a second has one).
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Requests recorded, flushed or not (never panics).
    pub fn recorded(&self) -> u64 {
        let counted: u64 = self.counts.iter().map(|&x| u64::from(x)).sum();
        counted.saturating_add(self.pending.len() as u64)
    }

    /// Total requests.
    pub fn total(&self) -> u64 {
        self.counts().iter().map(|&x| u64::from(x)).sum()
    }

    /// Largest count in any one second.
    pub fn peak(&self) -> u32 {
        self.counts().iter().copied().max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batched_counts_equal_direct_counts() {
        let n = 3 * (1 << PAGE_SHIFT) + 17;
        let mut p = PerSecond::new(n);
        let mut direct = vec![0u32; n];
        let mut x: u64 = 7;
        for _ in 0..(BATCH * 2 + 123) {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let s = (x >> 33) % (n as u64 + 5); // a few past the end, ignored
            p.record(s);
            if (s as usize) < n {
                direct[s as usize] += 1;
            }
        }
        p.flush();
        assert_eq!(p.counts(), &direct[..]);
        let mut q = PerSecond::new(n);
        q.record(5);
        q.merge(&p);
        assert_eq!(q.counts()[5], direct[5] + 1);
        assert_eq!(
            q.peak(),
            *direct.iter().max().unwrap().max(&(direct[5] + 1))
        );
    }
}
