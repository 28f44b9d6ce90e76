//! Sobol low-discrepancy sequences with the Joe-Kuo direction numbers.
//!
//! We embed the first 40 dimensions of S. Joe and F. Y. Kuo's file `new-joe-kuo-6.21201`
//! ("Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci.
//! Comput. 30, 2635-2654, 2008; <https://web.maths.unsw.edu.au/~fkuo/sobol/>) rather than
//! depend on a crate: the `sobol` crate (1.0.2, last release 2020) loads a gzip of all 21,201
//! dimensions at run time through `libflate`, and `sobol_burley` only gives Owen-scrambled
//! points, while the Saltelli scheme and the published test values need the plain sequence.
//! Points are generated in Gray-code order (Antonov-Saleev), which is the order of Joe and
//! Kuo's reference program and of `scipy.stats.qmc.Sobol(scramble=False)`.

/// `(s, a, m_1..m_s)` for dimensions 2..=41 of new-joe-kuo-6.21201 (dimension 1 is the van der
/// Corput sequence in base 2 and needs no numbers).
const JOE_KUO: &[(u32, u32, &[u32])] = &[
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
];

/// The largest number of dimensions supported.
pub const MAX_DIMS: usize = JOE_KUO.len() + 1;

const BITS: usize = 32;

/// The plain (unscrambled) Sobol sequence in `dims` dimensions, point `0` being the origin.
#[derive(Debug, Clone)]
pub struct Sobol {
    /// Direction numbers `v[d][k]`, scaled to 32 bits.
    v: Vec<[u32; BITS]>,
}

impl Sobol {
    /// A generator for `dims` dimensions; `None` beyond [`MAX_DIMS`] or for zero dimensions.
    pub fn new(dims: usize) -> Option<Self> {
        if dims == 0 || dims > MAX_DIMS {
            return None;
        }
        let mut v = Vec::with_capacity(dims);
        let mut first = [0u32; BITS];
        for (k, x) in first.iter_mut().enumerate() {
            *x = 1u32 << (BITS - 1 - k);
        }
        v.push(first);
        for &(s, a, m) in &JOE_KUO[..dims - 1] {
            let s = s as usize;
            let mut d = [0u32; BITS];
            for k in 0..BITS {
                d[k] = if k < s {
                    m[k] << (BITS - 1 - k)
                } else {
                    // The recurrence of Bratley and Fox on the primitive polynomial's coefficients.
                    let mut x = d[k - s] ^ (d[k - s] >> s);
                    for l in 1..s {
                        if (a >> (s - 1 - l)) & 1 == 1 {
                            x ^= d[k - l];
                        }
                    }
                    x
                };
            }
            v.push(d);
        }
        Some(Sobol { v })
    }

    /// Number of dimensions.
    pub fn dims(&self) -> usize {
        self.v.len()
    }

    /// Point `index` of the sequence, written into `out` (length [`Sobol::dims`]). Computed
    /// directly from the Gray code of `index`, so any point can be produced on its own: shards
    /// and resumed runs need no state from earlier points.
    pub fn point_into(&self, index: u64, out: &mut [f64]) {
        let gray = index ^ (index >> 1);
        for (d, o) in self.v.iter().zip(out.iter_mut()) {
            let mut x = 0u32;
            for (k, vk) in d.iter().enumerate() {
                if (gray >> k) & 1 == 1 {
                    x ^= vk;
                }
            }
            *o = f64::from(x) / 4_294_967_296.0;
        }
    }

    /// Point `index` as a new vector.
    pub fn point(&self, index: u64) -> Vec<f64> {
        let mut out = vec![0.0; self.dims()];
        self.point_into(index, &mut out);
        out
    }
}
