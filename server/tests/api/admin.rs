use crate::support::{assert_envelope, on_both_backends, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::json;

on_both_backends!(
    a_resident_calling_a_staff_endpoint_is_forbidden,
    county_admin_creates_staff_inside_their_county_only,
    account_lists_are_paginated_by_key_within_the_callers_subtree,
);

async fn a_resident_calling_a_staff_endpoint_is_forbidden(app: TestApp) {
    assert_envelope(
        &app.get("/api/admin/accounts", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
    let cookie = app.register("13900000020").await;
    assert_envelope(
        &app.get("/api/admin/accounts", Some(&cookie)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let create = app
        .post(
            "/api/admin/accounts",
            Some(&cookie),
            json!({ "phone": "13900000021", "password": "staff passphrase", "display_name": "x",
                    "role": "system_admin", "jurisdiction_id": app.places.county.id }),
        )
        .await;
    assert_envelope(&create, StatusCode::FORBIDDEN, "forbidden");
}

async fn county_admin_creates_staff_inside_their_county_only(app: TestApp) {
    let cookie = app.sign_in_demo(Role::CountyAdmin).await;
    let staff = json!({ "phone": "13900000022", "password": "staff passphrase", "display_name": "周社工",
                        "role": "community_staff", "jurisdiction_id": app.places.community.id });
    let r = app
        .post("/api/admin/accounts", Some(&cookie), staff.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["role"], "community_staff");
    assert_eq!(r.body["jurisdiction"]["name"], app.places.community.name);

    let signed_in = app.sign_in("13900000022", "staff passphrase").await;
    assert_eq!(
        signed_in.body["jurisdiction"]["id"],
        app.places.community.id
    );

    let mut escalate = staff.clone();
    escalate["phone"] = json!("13900000023");
    escalate["role"] = json!("system_admin");
    let r = app
        .post("/api/admin/accounts", Some(&cookie), escalate)
        .await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["role"].is_object());

    let outside = app
        .state
        .db
        .ensure_jurisdiction(None, anju_domain::JurisdictionLevel::Province, "别的省")
        .await
        .unwrap();
    let mut elsewhere = staff;
    elsewhere["phone"] = json!("13900000024");
    elsewhere["jurisdiction_id"] = json!(outside.id);
    let r = app
        .post("/api/admin/accounts", Some(&cookie), elsewhere)
        .await;
    assert!(
        r.body["fields"]["jurisdiction_id"].is_object(),
        "{}",
        r.body
    );
}

async fn account_lists_are_paginated_by_key_within_the_callers_subtree(app: TestApp) {
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    for i in 0..55 {
        app.register(&format!("1360000{i:04}")).await;
    }
    let first = app.get("/api/admin/accounts", Some(&admin)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 50);
    let after = first.body["next_after"].as_i64().expect("a second page");
    let second = app
        .get(&format!("/api/admin/accounts?after={after}"), Some(&admin))
        .await;
    let total = 50 + second.body["items"].as_array().unwrap().len();
    assert_eq!(total, 55 + anju_server::demo::DEMO_ACCOUNTS.len());
    assert!(second.body["next_after"].is_null());

    // A county admin elsewhere sees none of this county's residents.
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    assert_eq!(
        app.get("/api/admin/accounts", Some(&street)).await.status,
        StatusCode::FORBIDDEN
    );
}
