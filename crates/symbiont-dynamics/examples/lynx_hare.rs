//! Print the two lynx-hare optima (F3, E2) as `name value` lines; used by
//! bench/dynamics_vs_scipy.py to compare with scipy's least_squares.

use symbiont_dynamics::*;

fn main() {
    let text = include_str!("../../../data/lynx_hare.csv");
    let (mut t, mut hare, mut lynx) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.trim().parse().expect("number")).collect();
        t.push(v[0] - 1900.0);
        lynx.push(v[1]);
        hare.push(v[2]);
    }
    let s = Series::new(vec!["Hare".into(), "Lynx".into()], t, vec![hare, lynx]).expect("series");
    for (label, residual, initial) in [
        ("log_free", ResidualScale::Log, InitialValues::Free),
        ("raw_fixed", ResidualScale::Raw, InitialValues::Fixed),
    ] {
        let o = FitOptions {
            estimator: Estimator::E2,
            form: Form::F3,
            residual,
            initial,
            ..Default::default()
        };
        let f = fit(&s, &o).expect("fit");
        for p in f.params.iter().filter(|p| p.group == "F3" || p.group == "x0") {
            println!("{label} {} {:.12e}", p.name, p.estimate);
        }
    }
}
