//! Tests of `symbiont network`.
