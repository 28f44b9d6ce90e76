//! Integration tests of symbiont-abm.
