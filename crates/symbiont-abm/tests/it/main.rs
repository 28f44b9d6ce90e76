//! Integration tests of symbiont-abm.

mod population;
