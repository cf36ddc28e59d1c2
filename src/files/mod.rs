//! Choosing files in a project tree: walking it, ignore rules, globs.

pub mod globs;
pub mod ignore_rules;
pub mod paths;
pub mod rules;
pub mod walk;
