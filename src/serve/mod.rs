//! Servers: the authors' live preview.

pub mod preview;
