//! Servers: the authors' live preview and the bot answer API.

pub mod api;
pub mod preview;
