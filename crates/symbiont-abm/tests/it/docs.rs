//! docs/model.md lists every mechanism parameter with its default.

const MODEL_MD: &str = include_str!("../../../../docs/model.md");

#[test]
fn every_parameter_is_documented_with_its_default() {
    let debug = format!("{:?}", symbiont_abm::Params::default());
    let body = debug.trim_start_matches("Params {").trim_end_matches('}');
    let table: Vec<&str> = MODEL_MD.lines().filter(|l| l.starts_with("| ")).collect();
    let mut missing = Vec::new();
    for field in body.split(',') {
        let Some((name, value)) = field.split_once(':') else { continue };
        let (name, value) = (name.trim(), value.trim().trim_end_matches(".0"));
        let documented = table.iter().any(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            cells.len() > 2
                && cells[1].split(", ").any(|n| n == name)
                && cells[2]
                    .replace(['−', ','], "")
                    .replace("−", "-")
                    .contains(&value.replace('-', ""))
        });
        if !documented {
            missing.push(format!("{name} = {value}"));
        }
    }
    assert!(missing.is_empty(), "not in the parameter table of docs/model.md: {missing:?}");
}
