//! `#[implements("FR-AUTH-01")]` and `#[verifies("FR-AUTH-01")]`.
//!
//! Both attributes re-emit the item they sit on unchanged; they exist so that
//! `cargo specplan check` (which finds them by parsing the sources) and the
//! compiler agree on which requirement each item implements or verifies.

use proc_macro::TokenStream;

/// Marks an item as implementing one or more requirement IDs.
#[proc_macro_attribute]
pub fn implements(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Marks a test as verifying one or more requirement IDs.
#[proc_macro_attribute]
pub fn verifies(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
