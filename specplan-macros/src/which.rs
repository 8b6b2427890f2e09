//! Which attribute is being expanded (shared with specplan-fuzz, which
//! compiles the argument parser on its own).

/// Which attribute is being expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Implements,
    Verifies,
}

impl Which {
    pub fn name(self) -> &'static str {
        match self {
            Which::Implements => "implements",
            Which::Verifies => "verifies",
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            Which::Implements => "Implements",
            Which::Verifies => "Verifies",
        }
    }
}
