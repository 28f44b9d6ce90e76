//! Integration tests of symbiont-plan.
