//! Tests of `symbiont report`.
