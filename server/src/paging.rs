//! Key paging for every list: a page is read as `size + 1` rows after (or before) the last
//! key the client saw, in the order of an index; the extra row only says that there is more.
//! No `OFFSET`, so page 1,000 costs what page 1 costs and rows arriving meanwhile neither
//! repeat nor vanish between pages.

#[derive(Debug, Clone, Copy)]
pub struct PageSize(pub usize);

impl PageSize {
    /// The `LIMIT` to ask the database for.
    pub fn fetch(self) -> i64 {
        self.0 as i64 + 1
    }

    /// The page's rows and, when more follow, the key of its last row (the client sends it
    /// back for the next page).
    pub fn split<T, K>(self, mut rows: Vec<T>, key: impl FnOnce(&T) -> K) -> (Vec<T>, Option<K>) {
        let more = rows.len() > self.0;
        rows.truncate(self.0);
        let next = if more { rows.last().map(key) } else { None };
        (rows, next)
    }
}

#[cfg(test)]
mod tests {
    use super::PageSize;

    #[test]
    fn the_extra_row_only_says_there_is_more() {
        let size = PageSize(3);
        assert_eq!(size.fetch(), 4);
        assert_eq!(
            size.split(vec![9, 8, 7, 6], |r| *r),
            (vec![9, 8, 7], Some(7))
        );
        assert_eq!(size.split(vec![9, 8, 7], |r| *r), (vec![9, 8, 7], None));
        assert_eq!(size.split(Vec::<i64>::new(), |r| *r), (vec![], None));
    }
}
