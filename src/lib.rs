//! prepbot
