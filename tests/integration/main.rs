//! The one integration-test binary: the core without Python.

mod build;
mod docs;
mod fixtures;
mod layers;
mod migrate;
mod properties;
mod rules;
mod support;
