//! Integration tests of symbiont-model.
