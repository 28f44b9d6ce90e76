//! Integration tests of symbiont-study.
