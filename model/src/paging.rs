//! Page requests: validated page number and size for every listing.

use serde::{Deserialize, Serialize};

/// A validated page request: `page` from 1, `per_page` in 1..=MAX_PER_PAGE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

/// Which paging parameter was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// `page` was 0.
    #[error("page must be 1 or more")]
    Page,
    /// `per_page` was 0 or above the maximum.
    #[error("per_page must be between 1 and {max}", max = PageRequest::MAX_PER_PAGE)]
    PerPage,
}

impl PagingError {
    /// The request parameter at fault, for error bodies.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::PerPage => "per_page",
        }
    }
}

impl PageRequest {
    /// Largest page a client may ask for.
    pub const MAX_PER_PAGE: u32 = 100;
    /// Page size when none is given.
    pub const DEFAULT_PER_PAGE: u32 = 24;

    /// Parses optional parameters, defaulting to the first page of the default size.
    pub fn parse(page: Option<u32>, per_page: Option<u32>) -> Result<Self, PagingError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(Self::DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(PagingError::Page);
        }
        if per_page == 0 || per_page > Self::MAX_PER_PAGE {
            return Err(PagingError::PerPage);
        }
        Ok(Self { page, per_page })
    }

    /// 1-based page number.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// Page size.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { page: 1, per_page: Self::DEFAULT_PER_PAGE }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_first_page() {
        assert_eq!(PageRequest::parse(None, None), Ok(PageRequest::default()));
    }

    #[test]
    fn offset_counts_whole_pages() {
        assert_eq!(PageRequest::parse(Some(3), Some(10)).unwrap().offset(), 20);
    }

    #[test]
    fn rejects_page_zero_and_oversized_pages_naming_the_field() {
        assert_eq!(PageRequest::parse(Some(0), None).unwrap_err().field(), "page");
        assert_eq!(PageRequest::parse(None, Some(101)).unwrap_err().field(), "per_page");
        assert_eq!(PageRequest::parse(None, Some(0)).unwrap_err().field(), "per_page");
    }
}
