//! Integration tests of symbiont-indices.
