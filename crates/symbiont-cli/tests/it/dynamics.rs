//! Tests of `symbiont dynamics`.
