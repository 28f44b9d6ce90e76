//! Integration tests of symbiont-network.
