//! Servers built on the answer index.

pub mod api;
