//! Front ends: thin layers that turn platform input into core commands and
//! render replies. Only modules under here may name platform types.

pub mod console;
