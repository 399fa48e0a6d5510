//! prepbot
pub mod bank;
pub mod cli;
pub mod config;
pub mod domain;
pub mod frontends;
pub mod grading;
