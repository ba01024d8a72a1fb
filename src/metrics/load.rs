//! Requests per one-second bucket at the AS, per endpoint (design §7,
//! issue 17), exact, in memory that follows the requests rather than the
//! duration.
//!
//! A year has 31.5 million seconds, and a tenant of a few thousand users
//! leaves most of them empty: a `u32` per second and endpoint would be
//! gigabytes for a ten-year run. The seconds are therefore cut into pages of
//! one hour ([`PAGE_SECONDS`]), each stored the smaller way for what fell in
//! it:
//!
//! - **sparse**: the offset (2 bytes) of each request within the hour, in
//!   the order they came — a page nobody reached costs nothing;
//! - **dense**: one `u16` count per second, once the page holds as many
//!   requests as it has seconds (the same 2 bytes per entry either way);
//! - **wide**: one `u32` per second, once a second passes 65 535 requests.
//!
//! A page only ever grows, so its form depends only on the requests in it,
//! and every reading ([`PerSecond::page_counts`]) is the same exact counts
//! whatever the form and the order requests or merges came in.
//!
//! A user's requests land at random pages, one cache miss each: requests are
//! buffered and applied in batches grouped by page (a counting sort on the
//! page number), so each page is touched once per batch while it is in cache.

/// Seconds per page: one hour, so minutes and hours never straddle pages.
pub const PAGE_SECONDS: u64 = 3600;
/// Requests buffered before a batch is applied (256 KiB of `u32`).
const BATCH: usize = 1 << 16;

/// One hour of per-second counts, stored the smaller way (see the module docs).
#[derive(Debug, Clone)]
enum Page {
    /// Offsets of the requests within the page, in arrival order.
    Sparse(Vec<u16>),
    /// Counts per second, each below 65 536.
    Dense(Box<[u16]>),
    /// Counts per second.
    Wide(Box<[u32]>),
}

impl Default for Page {
    fn default() -> Self {
        Page::Sparse(Vec::new())
    }
}

impl Page {
    /// Adds `n` requests at second `offset` of the page.
    fn add(&mut self, offset: u16, n: u32) {
        if n == 0 {
            return;
        }
        if let Page::Sparse(v) = self {
            if v.len() + (n as usize) < PAGE_SECONDS as usize {
                if n == 1 {
                    // Every request of a run comes this way: a plain push.
                    v.push(offset);
                } else {
                    v.extend(std::iter::repeat_n(offset, n as usize));
                }
                return;
            }
            let mut dense = vec![0u32; PAGE_SECONDS as usize];
            for &o in v.iter() {
                dense[o as usize] += 1;
            }
            *self = Page::from_counts(dense);
        }
        match self {
            Page::Dense(d) => {
                let c = u32::from(d[offset as usize]) + n;
                match u16::try_from(c) {
                    Ok(c) => d[offset as usize] = c,
                    Err(_) => {
                        let mut wide: Vec<u32> = d.iter().map(|&x| u32::from(x)).collect();
                        wide[offset as usize] = c;
                        *self = Page::Wide(wide.into_boxed_slice());
                    }
                }
            }
            Page::Wide(w) => w[offset as usize] += n,
            Page::Sparse(_) => unreachable!("a full sparse page was made dense above"),
        }
    }

    /// Adds one request at each of `seconds` (in arrival order), seconds of
    /// the run in this page, which starts at second `first`: the same as
    /// [`Page::add`] of each in turn, looking at the page's form once for
    /// the run while it stays sparse or dense.
    fn add_run(&mut self, seconds: &[u32], first: u32) {
        let mut done = 0;
        match self {
            Page::Sparse(v) if v.len() + seconds.len() < PAGE_SECONDS as usize => {
                v.extend(seconds.iter().map(|&s| (s - first) as u16));
                done = seconds.len();
            }
            Page::Dense(d) => {
                for &s in seconds {
                    let c = &mut d[(s - first) as usize];
                    if *c == u16::MAX {
                        break; // this one widens the page: one by one from here
                    }
                    *c += 1;
                    done += 1;
                }
            }
            _ => {}
        }
        for &s in &seconds[done..] {
            self.add((s - first) as u16, 1);
        }
    }

    /// The narrowest dense form holding `counts`.
    fn from_counts(counts: Vec<u32>) -> Page {
        if counts.iter().all(|&c| c <= u32::from(u16::MAX)) {
            Page::Dense(counts.iter().map(|&c| c as u16).collect())
        } else {
            Page::Wide(counts.into_boxed_slice())
        }
    }

    /// Adds this page's counts into `out` (one slot per second of the page).
    fn add_into(&self, out: &mut [u32]) {
        match self {
            Page::Sparse(v) => {
                for &o in v {
                    if let Some(x) = out.get_mut(o as usize) {
                        *x += 1;
                    }
                }
            }
            Page::Dense(d) => {
                for (x, &c) in out.iter_mut().zip(d.iter()) {
                    *x += u32::from(c);
                }
            }
            Page::Wide(w) => {
                for (x, &c) in out.iter_mut().zip(w.iter()) {
                    *x += c;
                }
            }
        }
    }

    /// Replaces `out` by the page's `len` counts: a dense page is copied,
    /// without zeroing `out` first.
    fn write_into(&self, len: usize, out: &mut Vec<u32>) {
        out.clear();
        match self {
            Page::Sparse(_) => {
                out.resize(len, 0);
                self.add_into(out);
            }
            Page::Dense(d) => out.extend(d[..len].iter().map(|&c| u32::from(c))),
            Page::Wide(w) => out.extend_from_slice(&w[..len]),
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Page::Sparse(v) if v.is_empty())
    }

    /// Heap bytes held.
    fn heap_bytes(&self) -> usize {
        match self {
            Page::Sparse(v) => v.capacity() * 2,
            Page::Dense(d) => d.len() * 2,
            Page::Wide(w) => w.len() * 4,
        }
    }
}

/// Exact per-second request counts of one endpoint, written through a buffer.
#[derive(Debug, Clone, Default)]
pub struct PerSecond {
    seconds: u64,
    pages: Vec<Page>,
    pending: Vec<u32>,
    scratch: Vec<u32>,
    slots: Vec<u32>,
}

impl PartialEq for PerSecond {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.flush();
        b.flush();
        a.seconds == b.seconds && (0..a.page_count()).all(|p| a.page_counts(p) == b.page_counts(p))
    }
}

impl PerSecond {
    /// Zero counts for `seconds` buckets (no page allocated yet).
    pub fn new(seconds: usize) -> Self {
        let pages = (seconds as u64).div_ceil(PAGE_SECONDS) as usize;
        PerSecond {
            seconds: seconds as u64,
            pages: vec![Page::default(); pages],
            pending: Vec::new(),
            scratch: Vec::new(),
            slots: Vec::new(),
        }
    }

    /// One request in second `s` (ignored past the end of the run).
    #[inline]
    pub fn record(&mut self, s: u64) {
        if s < self.seconds {
            self.pending.push(s as u32);
            if self.pending.len() >= BATCH {
                self.flush();
            }
        }
    }

    /// `n` requests in second `s`, applied at once (raw files; ignored past
    /// the end of the run).
    pub fn add(&mut self, s: u64, n: u32) {
        if s < self.seconds {
            let (p, o) = (s / PAGE_SECONDS, s % PAGE_SECONDS);
            self.pages[p as usize].add(o as u16, n);
        }
    }

    /// Applies every buffered request, grouped by page.
    pub fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let page = |s: u32| (u64::from(s) / PAGE_SECONDS) as usize;
        self.slots.clear();
        self.slots.resize(self.pages.len() + 1, 0);
        for &s in &self.pending {
            self.slots[page(s) + 1] += 1;
        }
        for i in 1..self.slots.len() {
            self.slots[i] += self.slots[i - 1];
        }
        self.scratch.resize(self.pending.len(), 0);
        for &s in &self.pending {
            let slot = &mut self.slots[page(s)];
            self.scratch[*slot as usize] = s;
            *slot += 1;
        }
        // Each page's requests are now together, in arrival order, and
        // `slots[p]` is the end of page p's run.
        let mut start = 0;
        for (p, &end) in self.slots.iter().enumerate().take(self.pages.len()) {
            let end = end as usize;
            if end > start {
                let first = (p as u64 * PAGE_SECONDS) as u32;
                self.pages[p].add_run(&self.scratch[start..end], first);
                start = end;
            }
        }
        self.pending.clear();
    }

    /// Adds another's counts (both flushed first).
    pub fn merge(&mut self, other: &PerSecond) {
        self.flush();
        let mut other_counts = vec![0u32; PAGE_SECONDS as usize];
        for (p, page) in other.pages.iter().enumerate() {
            if page.is_empty() {
                continue;
            }
            match page {
                Page::Sparse(v) if self.pages[p].is_empty() => {
                    self.pages[p] = Page::Sparse(v.clone());
                }
                Page::Sparse(v) => {
                    for &o in v {
                        self.pages[p].add(o, 1);
                    }
                }
                dense => {
                    other_counts.iter_mut().for_each(|x| *x = 0);
                    dense.add_into(&mut other_counts);
                    for (o, &n) in other_counts.iter().enumerate() {
                        self.pages[p].add(o as u16, n);
                    }
                }
            }
        }
        for &s in &other.pending {
            self.add(u64::from(s), 1);
        }
    }

    /// Whether adding `other` would take a second past `u32::MAX` requests
    /// (only a crafted raw file gets there).
    pub fn merge_overflows(&self, other: &PerSecond) -> bool {
        (0..self.page_count().min(other.page_count())).any(|p| {
            self.page_counts(p)
                .iter()
                .zip(other.page_counts(p))
                .any(|(a, b)| a.checked_add(b).is_none())
        })
    }

    /// Number of pages (hours, the last one possibly cut short).
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Exact counts of page `p`, one per second of it (the last page has
    /// only the run's remaining seconds). Buffered requests must be flushed.
    pub fn page_counts(&self, p: usize) -> Vec<u32> {
        let mut out = vec![0; self.page_len(p)];
        self.add_page_into(p, &mut out);
        out
    }

    /// Seconds in page `p`.
    pub fn page_len(&self, p: usize) -> usize {
        let start = p as u64 * PAGE_SECONDS;
        (self.seconds.saturating_sub(start)).min(PAGE_SECONDS) as usize
    }

    /// Whether page `p` holds no request.
    pub fn page_is_empty(&self, p: usize) -> bool {
        self.pages[p].is_empty()
    }

    /// Replaces `out` by page `p`'s counts, one per second of it.
    pub fn write_page_into(&self, p: usize, out: &mut Vec<u32>) {
        debug_assert!(
            self.pending.is_empty(),
            "per-second counts read before a flush"
        );
        self.pages[p].write_into(self.page_len(p), out);
    }

    /// Page `p`'s requests as their offsets within the page, in arrival
    /// order, when it is stored that way (fewer requests than seconds).
    pub fn page_offsets(&self, p: usize) -> Option<&[u16]> {
        debug_assert!(
            self.pending.is_empty(),
            "per-second counts read before a flush"
        );
        match &self.pages[p] {
            Page::Sparse(v) => Some(v),
            _ => None,
        }
    }

    /// Adds page `p`'s counts into `out`.
    pub fn add_page_into(&self, p: usize, out: &mut [u32]) {
        debug_assert!(
            self.pending.is_empty(),
            "per-second counts read before a flush"
        );
        self.pages[p].add_into(out);
    }

    /// Number of one-second buckets.
    pub fn len(&self) -> usize {
        self.seconds as usize
    }

    /// True when there is no bucket (a run shorter than a second has one).
    pub fn is_empty(&self) -> bool {
        self.seconds == 0
    }

    /// Requests recorded, flushed or not (never panics).
    pub fn recorded(&self) -> u64 {
        let mut total = self.pending.len() as u64;
        let mut buf = vec![0u32; PAGE_SECONDS as usize];
        for page in &self.pages {
            total = total.saturating_add(match page {
                Page::Sparse(v) => v.len() as u64,
                dense => {
                    buf.iter_mut().for_each(|x| *x = 0);
                    dense.add_into(&mut buf);
                    buf.iter().map(|&x| u64::from(x)).sum()
                }
            });
        }
        total
    }

    /// Total requests (flushed).
    pub fn total(&self) -> u64 {
        debug_assert!(self.pending.is_empty());
        self.recorded()
    }

    /// Largest count in any one second.
    pub fn peak(&self) -> u32 {
        (0..self.page_count())
            .filter_map(|p| self.page_counts(p).into_iter().max())
            .max()
            .unwrap_or(0)
    }

    /// Heap bytes held by the pages and buffers (for memory tests and the
    /// estimate of `check`).
    pub fn heap_bytes(&self) -> usize {
        self.pages.iter().map(Page::heap_bytes).sum::<usize>()
            + self.pages.capacity() * std::mem::size_of::<Page>()
            + (self.pending.capacity() + self.scratch.capacity() + self.slots.capacity()) * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_counts(p: &PerSecond) -> Vec<u32> {
        (0..p.page_count()).flat_map(|i| p.page_counts(i)).collect()
    }

    #[test]
    fn batched_counts_equal_direct_counts() {
        let n = 3 * PAGE_SECONDS as usize + 17;
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
        assert_eq!(all_counts(&p), direct);
        let mut q = PerSecond::new(n);
        q.record(5);
        q.merge(&p);
        q.flush();
        assert_eq!(all_counts(&q)[5], direct[5] + 1);
        assert_eq!(
            q.peak(),
            *direct.iter().max().unwrap().max(&(direct[5] + 1))
        );
    }

    #[test]
    fn pages_change_form_without_changing_counts() {
        let n = 2 * PAGE_SECONDS as usize;
        let mut p = PerSecond::new(n);
        // Page 0 stays sparse, page 1 goes dense then wide.
        p.record(10);
        p.record(10);
        for s in 0..PAGE_SECONDS {
            p.record(PAGE_SECONDS + s);
        }
        p.flush();
        assert!(matches!(p.pages[0], Page::Sparse(_)));
        assert!(matches!(p.pages[1], Page::Dense(_)));
        p.add(PAGE_SECONDS + 7, 70_000);
        assert!(matches!(p.pages[1], Page::Wide(_)));
        let counts = all_counts(&p);
        assert_eq!(counts[10], 2);
        assert_eq!(counts[PAGE_SECONDS as usize + 7], 70_001);
        assert_eq!(p.total(), 2 + PAGE_SECONDS + 70_000);
        // Merging in either order gives the same counts.
        let mut q = PerSecond::new(n);
        q.record(3);
        q.flush();
        let (mut pq, mut qp) = (p.clone(), q.clone());
        pq.merge(&q);
        qp.merge(&p);
        assert_eq!(all_counts(&pq), all_counts(&qp));
        assert_eq!(pq, qp);
        let mut full = PerSecond::new(n);
        full.add(5, u32::MAX);
        assert!(full.merge_overflows(&q) || all_counts(&q)[5] == 0);
        q.add(5, 1);
        assert!(full.merge_overflows(&q));
    }

    #[test]
    fn a_batch_widens_a_dense_page_where_a_count_passes_65_535() {
        // Page 0 goes dense in a first batch, then a second batch takes one
        // second past 65 535 in the middle of its run: the same counts as
        // added one by one.
        let mut p = PerSecond::new(PAGE_SECONDS as usize);
        let mut direct = vec![0u32; PAGE_SECONDS as usize];
        for s in 0..PAGE_SECONDS {
            p.record(s);
            direct[s as usize] += 1;
        }
        p.flush();
        assert!(matches!(p.pages[0], Page::Dense(_)));
        for i in 0..(BATCH as u64 - 1) {
            let s = if i % 3 == 0 { 17 } else { 40 + i % 1000 };
            p.record(s);
            direct[s as usize] += 1;
        }
        for _ in 0..50_000 {
            p.record(17);
            direct[17] += 1;
        }
        p.flush();
        assert!(matches!(p.pages[0], Page::Wide(_)));
        assert_eq!(all_counts(&p), direct);
    }

    #[test]
    fn a_page_entry_is_24_bytes() {
        // `check`'s memory estimate counts 24 bytes per endpoint and hour.
        assert_eq!(std::mem::size_of::<Page>(), 24);
    }

    #[test]
    fn memory_follows_the_requests_not_the_duration() {
        // Ten years of seconds, a thousand requests: a few kilobytes.
        let mut p = PerSecond::new(3650 * 86_400);
        for i in 0..1000u64 {
            p.record(i * 300_007);
        }
        p.flush();
        assert_eq!(p.total(), 1000);
        assert!(p.heap_bytes() < 3_000_000, "{}", p.heap_bytes());
    }
}
