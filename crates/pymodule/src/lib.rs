//! The extension module `rustbackend._native`: rustbackend's pyo3 module (`src/python.rs`,
//! the `python` feature), linked into a cdylib. Its `PyInit__native` comes from there.

extern crate rustbackend;
