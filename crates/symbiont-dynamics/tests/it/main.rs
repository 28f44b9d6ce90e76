//! Integration tests of symbiont-dynamics.
