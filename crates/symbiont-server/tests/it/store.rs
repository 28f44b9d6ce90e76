//! Guards the schema holds by itself.

use crate::harness::{cast, each_backend, new_case};

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    each_backend(|app| {
        let c = cast(app);
        new_case(app, &c.enterprise, "audited");
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        let store = app.state.store.clone();
        let upd = rt.block_on(store.execute_raw("UPDATE audit SET action = 'forged'"));
        assert!(upd.is_err(), "update refused");
        let del = rt.block_on(store.execute_raw("DELETE FROM audit"));
        assert!(del.is_err(), "delete refused");
        let (_, audit) = app.get("/api/cases/1/audit", &c.admin);
        assert_eq!(audit["items"][0]["action"], "submitted");
    });
}
