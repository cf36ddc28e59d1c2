//! The one integration-test binary: the core without Python.

mod build;
mod fixtures;
mod properties;
mod support;
