//! Jurisdiction isolation for every retrofit endpoint: staff of another street or county,
//! community staff, assessors and other residents get a 404 (or an empty list), never data.

use super::retrofit::{act, add_document, pdf, section, submitted};
use crate::support::{assert_envelope, on_both_backends, png, upload, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::http::StatusCode;
use serde_json::json;

on_both_backends!(outsiders_get_404_on_every_application_endpoint);

async fn outsiders_get_404_on_every_application_endpoint(app: TestApp) {
    let (_, id) = submitted(&app, "13900000801", "19400101").await;
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let city = app
        .state
        .db
        .jurisdiction(app.places.county.parent_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    let other_street = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.county),
            JurisdictionLevel::Street,
            "别的街道",
        )
        .await
        .unwrap();
    let other_county = app
        .state
        .db
        .ensure_jurisdiction(Some(&city), JurisdictionLevel::County, "别的区")
        .await
        .unwrap();
    let outsiders = [
        app.create_staff(&admin, "13900000802", "street_reviewer", other_street.id)
            .await,
        app.create_staff(&admin, "13900000803", "county_admin", other_county.id)
            .await,
        app.create_staff(
            &admin,
            "13900000804",
            "community_staff",
            app.places.community.id,
        )
        .await,
        app.create_staff(&admin, "13900000805", "assessor", app.places.county.id)
            .await,
        app.register("13900000806").await,
    ];
    let base = format!("/api/retrofit/applications/{id}");
    let doc = format!("{base}/documents/1");
    for cookie in &outsiders {
        for r in [
            app.get(&base, Some(cookie)).await,
            section(
                &app,
                cookie,
                &id,
                json!({ "section": "consent", "version": "2026-11-v1", "agreed": true }),
            )
            .await,
            act(&app, cookie, &id, json!({ "action": "approve" })).await,
            act(&app, cookie, &id, json!({ "action": "withdraw" })).await,
            app.post(&format!("{base}/id-number"), Some(cookie), json!({}))
                .await,
            add_document(&app, cookie, &id, "other", pdf()).await,
            app.get(&doc, Some(cookie)).await,
            app.delete(&doc, Some(cookie)).await,
        ] {
            assert_envelope(&r, StatusCode::NOT_FOUND, "not_found");
        }
        let list = app.get("/api/retrofit/applications", Some(cookie)).await;
        let leaked = list.status == StatusCode::OK
            && list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == id);
        assert!(!leaked, "{}", list.body);
    }
    // The other county's admin sees neither this county's list nor its settings.
    let other_admin = &outsiders[1];
    let theirs = app
        .get("/api/retrofit/county-list", Some(other_admin))
        .await
        .body;
    assert!(theirs["streets"].as_array().unwrap().is_empty(), "{theirs}");
    assert_envelope(
        &app.get(
            &format!(
                "/api/retrofit/county-list?county_id={}",
                app.places.county.id
            ),
            Some(other_admin),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &app.get(
            &format!("/api/retrofit/counties/{}/settings", app.places.county.id),
            Some(other_admin),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Guardian links are private to the two people in them.
    let elder = app.register("13900000807").await;
    let link = app
        .post(
            "/api/guardians/invitations",
            Some(&elder),
            json!({ "phone": "13900000808" }),
        )
        .await
        .body["id"]
        .clone();
    let stranger = &outsiders[4];
    assert_envelope(
        &app.send(upload(
            &format!("/api/guardians/{link}/accept?relationship=child"),
            stranger,
            png(5),
        ))
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &app.post(
            &format!("/api/guardians/{link}/end"),
            Some(stranger),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &app.get(&format!("/api/guardians/{link}/proof"), Some(stranger))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // And nothing is visible without signing in.
    assert_envelope(
        &app.get(&base, None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    );
}
