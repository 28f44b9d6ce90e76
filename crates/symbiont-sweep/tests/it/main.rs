//! Integration tests of symbiont-sweep: designs, indices on test functions with known values,
//! the SWEEP.toml checks, and the streamed store (resume, shards, merge).

mod calibration;
mod designs;
mod discover;
mod indices;
mod parts;
mod planned;
mod spec;
