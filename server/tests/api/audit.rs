//! The audit trail: one entry per audited action, in the transaction of the change; one
//! unbroken chain under concurrent writers (and two server instances on PostgreSQL); the
//! admin search scoped by county; the family's own access log.

use crate::retrofit::{act as retrofit_act, submitted};
use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::Role;
use anju_server::db::accounts::NewAccount;
use anju_server::db::Audit;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

on_both_backends!(
    each_audited_action_writes_exactly_one_entry,
    a_change_whose_transaction_fails_leaves_no_entry,
    fifty_concurrent_changes_give_one_unbroken_chain,
    changes_queued_behind_one_chain_their_entries_in_order_and_an_undone_one_leaves_no_gap,
    a_county_admin_searches_only_their_countys_entries,
    an_admin_finds_who_revealed_an_id_number_and_exports_it,
    the_family_sees_which_office_viewed_their_application,
    survey_reviews_keep_their_history,
);

async fn count(app: &TestApp) -> usize {
    app.strings("SELECT action FROM audit_log").await.len()
}

async fn newest_action(app: &TestApp) -> String {
    app.strings("SELECT action FROM audit_log ORDER BY seq DESC")
        .await
        .into_iter()
        .next()
        .unwrap_or_default()
}

async fn assert_chain_intact(app: &TestApp) -> i64 {
    let report = app.state.db.verify_audit_chain().await.unwrap();
    assert_eq!(report.broken, None, "chain broken");
    report.count
}

/// Runs `step` and asserts it added exactly one entry, with this action.
macro_rules! one_entry {
    ($app:expr, $action:expr, $step:expr) => {{
        let before = count($app).await;
        let out = $step;
        assert_eq!(count($app).await, before + 1, "{} wrote one entry", $action);
        assert_eq!(newest_action($app).await, $action);
        out
    }};
}

async fn each_audited_action_writes_exactly_one_entry(app: TestApp) {
    let resident = one_entry!(&app, "account.register", app.register("13900000901").await);
    let case = one_entry!(
        &app,
        "case.submit",
        crate::cases::file(&app, &resident, "home-repair", "k1").await
    );
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let before = count(&app).await;
    let r = app
        .get(&format!("/api/cases/{}", case["id"]), Some(&resident))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        count(&app).await,
        before,
        "a resident's own view is not audited"
    );
    one_entry!(&app, "case.view", {
        let r = app
            .get(&format!("/api/cases/{}", case["id"]), Some(&staff))
            .await;
        assert_eq!(r.status, StatusCode::OK);
    });
    one_entry!(&app, "case.acknowledge", {
        let r = app
            .post(
                &format!("/api/cases/{}/actions", case["id"]),
                Some(&staff),
                json!({ "action": "acknowledge" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    });
    // A refused action changes nothing and records nothing.
    let before = count(&app).await;
    let r = app
        .post(
            &format!("/api/cases/{}/actions", case["id"]),
            Some(&staff),
            json!({ "action": "acknowledge" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(count(&app).await, before);
    one_entry!(&app, "account.sign_in_failed", {
        let r = app.sign_in("13900000901", "not-the-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    });
    one_entry!(&app, "account.sign_out", {
        let r = app
            .post("/api/auth/sign-out", Some(&resident), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    });
    assert_chain_intact(&app).await;
}

async fn a_change_whose_transaction_fails_leaves_no_entry(app: TestApp) {
    app.register("13900000902").await;
    let before = count(&app).await;
    let now = app.state.clock.now();
    let mut tx = app.state.db.begin().await.unwrap();
    tx.audit(&Audit::new(
        now,
        None,
        "test.never_committed",
        "account:0",
        "/",
    ))
    .await
    .unwrap();
    // The change itself then fails: the number is taken.
    let duplicate = tx
        .create_account(&NewAccount {
            phone: "13900000902",
            password_hash: "x",
            display_name: "重复",
            role: Role::Resident,
            jurisdiction_id: None,
            home: None,
            scope_path: "/",
            phone_verified: false,
            now,
        })
        .await;
    assert!(duplicate.is_err());
    drop(tx);
    assert_eq!(count(&app).await, before, "the entry went with its change");
    assert!(app.audit_details("test.never_committed").await.is_empty());
    // The next entry follows on without a gap.
    app.register("13900000903").await;
    assert_eq!(assert_chain_intact(&app).await as usize, before + 1);
}

async fn fifty_concurrent_changes_give_one_unbroken_chain(app: TestApp) {
    let resident = app.register("13900000904").await;
    let case = crate::cases::file(&app, &resident, "home-repair", "first").await;
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    // On PostgreSQL half the requests go to a second server instance with its own pool: the
    // chain must not fork between them. SQLite deployments run one instance by design.
    let second = match app.state.db {
        anju_server::Db::Postgres(_) => Some(app.second_instance().await),
        anju_server::Db::Sqlite { .. } => None,
    };
    let requests = (0..50).map(|i| {
        let request = if i % 2 == 0 {
            TestApp::request(
                Method::POST,
                "/api/cases",
                Some(&resident),
                Some(json!({
                    "client_key": format!("concurrent-{i}"),
                    "category": "home-repair",
                    "description": "楼道灯不亮了",
                })),
            )
        } else {
            TestApp::request(
                Method::GET,
                &format!("/api/cases/{}", case["id"]),
                Some(&staff),
                None,
            )
        };
        let router = match (&second, i % 4 < 2) {
            (Some(other), true) => other.clone(),
            _ => app.router.clone(),
        };
        async move { TestApp::send_to(&router, request).await }
    });
    for r in futures::future::join_all(requests).await {
        assert!(r.status.is_success(), "{} {}", r.status, r.body);
    }
    let total = count(&app).await as i64;
    assert_eq!(assert_chain_intact(&app).await, total);
    let seqs = app
        .strings("SELECT CAST(seq AS TEXT) AS n FROM audit_log ORDER BY audit_log.seq")
        .await;
    let expected: Vec<String> = (1..=total).map(|n| n.to_string()).collect();
    assert_eq!(seqs, expected, "one entry per place, no gaps, no twins");
    assert_eq!(app.audit_details("case.view").await.len(), 25);
}

/// Changes that queue for the writer while one holds it commit together on SQLite, their
/// entries sent with each change's end (a bulk change's in the middle too); one undone in
/// the middle of them must leave neither its entry nor a hole in the numbering.
async fn changes_queued_behind_one_chain_their_entries_in_order_and_an_undone_one_leaves_no_gap(
    app: TestApp,
) {
    let before = count(&app).await;
    let now = app.state.clock.now();
    let entry = move |action: &'static str| Audit::new(now, None, action, "account:0", "/");
    let mut first = app.state.db.begin().await.unwrap();
    first.audit(&entry("test.first")).await.unwrap();
    let queued = |action: &'static str, entries: usize, keep: bool| {
        let db = app.state.db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin().await.unwrap();
            for _ in 0..entries {
                tx.audit(&entry(action)).await.unwrap();
            }
            if keep {
                tx.commit().await.unwrap();
            }
        })
    };
    let undone = queued("test.undone", 1, false);
    let kept = queued("test.kept", 1, true);
    // More entries than a change holds back: some are sent before its end.
    let bulk = queued("test.bulk", 120, true);
    let last = queued("test.last", 2, true);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    first.commit().await.unwrap();
    for task in [undone, kept, bulk, last] {
        task.await.unwrap();
    }
    assert!(app.audit_details("test.undone").await.is_empty());
    assert_eq!(app.audit_details("test.bulk").await.len(), 120);
    let total = assert_chain_intact(&app).await as usize;
    assert_eq!(total, before + 1 + 1 + 120 + 2);
    let seqs = app
        .strings("SELECT CAST(seq AS TEXT) AS n FROM audit_log ORDER BY audit_log.seq")
        .await;
    let expected: Vec<String> = (1..=total).map(|n| n.to_string()).collect();
    assert_eq!(seqs, expected, "one entry per place, no gaps, no twins");
    // The head the next change starts from is the one committed.
    app.register("13900000905").await;
    assert_eq!(assert_chain_intact(&app).await as usize, total + 1);
}

async fn subjects(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_county_admin_searches_only_their_countys_entries(app: TestApp) {
    let province = app
        .state
        .db
        .jurisdiction(app.places.county.parent_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    let other_county = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&province),
            anju_domain::JurisdictionLevel::County,
            "远山县",
        )
        .await
        .unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    tx.audit(&Audit::new(
        app.state.clock.now(),
        None,
        "retrofit.view",
        "retrofit_application:999",
        &other_county.id_path,
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.register("13900000905").await;
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let page = app.get("/api/admin/audit", Some(&county)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mine = subjects(&page.body).await;
    assert!(!mine.is_empty());
    assert!(
        !mine.contains(&"retrofit_application:999".to_owned()),
        "another county's entry leaked: {mine:?}"
    );
    let filtered = app
        .get(
            "/api/admin/audit?subject=retrofit_application:999",
            Some(&county),
        )
        .await;
    assert_eq!(filtered.body["items"], json!([]));

    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let all = app.get("/api/admin/audit", Some(&admin)).await;
    assert!(subjects(&all.body)
        .await
        .contains(&"retrofit_application:999".to_owned()));

    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    assert_envelope(
        &app.get("/api/admin/audit", Some(&staff)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    for (query, name) in [
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("before=abc", "before"),
        ("actor=someone", "actor"),
    ] {
        let r = app
            .get(&format!("/api/admin/audit?{query}"), Some(&county))
            .await;
        assert_envelope(&r, StatusCode::BAD_REQUEST, "invalid_parameter");
        assert!(r.body["fields"][name].is_object(), "{query}: {}", r.body);
    }
}

async fn an_admin_finds_who_revealed_an_id_number_and_exports_it(app: TestApp) {
    let (_, id) = submitted(&app, "13900000906", "19400101").await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let shown = app
        .post(
            &format!("/api/retrofit/applications/{id}/id-number"),
            Some(&street),
            json!({}),
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    let reference = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&street))
        .await
        .body["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let found = app
        .get(
            &format!("/api/admin/audit?subject={reference}&action=retrofit.reveal_id_number"),
            Some(&county),
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let items = found.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", found.body);
    assert_eq!(items[0]["actor"]["name"], "陈明（湖滨街道）");
    assert_eq!(items[0]["actor"]["role"], "street_reviewer");
    assert_eq!(items[0]["subject_reference"], reference.as_str());

    let before = app.audit_details("audit.export").await.len();
    let csv = app
        .get(
            &format!("/api/admin/audit?subject={reference}&format=csv"),
            Some(&county),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.body.as_str().unwrap();
    assert!(text.contains("陈明（湖滨街道）") && text.contains("查看完整身份证号"));
    assert_eq!(
        app.audit_details("audit.export").await.len(),
        before + 1,
        "the export is itself on the record"
    );
    let unknown = app
        .get("/api/admin/audit?subject=SQ-NO-SUCH", Some(&county))
        .await;
    assert_envelope(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation");
}

async fn the_family_sees_which_office_viewed_their_application(app: TestApp) {
    let (elder, id) = submitted(&app, "13900000907", "19400101").await;
    let path = format!("/api/retrofit/applications/{id}/access-log");
    assert_eq!(app.get(&path, Some(&elder)).await.body, json!([]));
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    app.get(&format!("/api/retrofit/applications/{id}"), Some(&street))
        .await;
    app.post(
        &format!("/api/retrofit/applications/{id}/id-number"),
        Some(&street),
        json!({}),
    )
    .await;
    let log = app.get(&path, Some(&elder)).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let entries = log.body.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{}", log.body);
    assert_eq!(entries[0]["kind"], "revealed_id_number");
    assert_eq!(entries[1]["kind"], "viewed_application");
    for e in entries {
        assert_eq!(e["role"], "street_reviewer");
        assert_eq!(e["place"], app.places.street.name.as_str());
        assert!(e.get("name").is_none(), "offices, not staff names");
    }
    assert!(!log.body.to_string().contains("陈明"));
    assert_envelope(
        &app.get(&path, Some(&street)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // The elder returning the case does not show as a view.
    let r = retrofit_act(&app, &elder, &id, json!({ "action": "withdraw" })).await;
    assert!(r.status.is_success() || r.status == StatusCode::CONFLICT);
    assert_eq!(
        app.get(&path, Some(&elder))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn survey_reviews_keep_their_history(app: TestApp) {
    let (staff, response) = crate::surveys::door_to_door_response(&app).await;
    let review = format!("/api/survey-responses/{response}/review");
    let r = app
        .post(
            &review,
            Some(&staff),
            json!({ "review": "has_issues", "note": "门牌号不清楚" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post(&review, Some(&staff), json!({ "review": "approved" }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["review"], "approved");
    let history = r.body["review_history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{}", r.body);
    assert_eq!(history[0]["review"], "has_issues");
    assert_eq!(history[0]["note"], "门牌号不清楚");
    assert_eq!(history[1]["review"], "approved");
    assert_eq!(
        app.audit_details("survey.review").await,
        ["has_issues", "approved"]
    );
}
