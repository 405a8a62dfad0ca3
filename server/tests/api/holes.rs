//! The access and input holes found by probing as an attacker would (OWASP ASVS 5.0 level 2),
//! one test per finding, each failing before the fix.

use crate::retrofit::{add_document, pdf_with, start, submitted};
use crate::support::{assert_envelope, on_both_backends, png, upload, TestApp};
use anju_domain::{JurisdictionLevel, Role};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

on_both_backends!(
    an_invitation_to_a_number_gives_nothing_until_the_number_is_proven_and_the_elder_confirms,
    the_street_office_sees_the_relationship_opens_the_proof_on_record_and_confirms,
    a_survey_reaching_other_areas_cannot_be_rewritten_or_republished,
    odd_months_and_parameters_answer_in_the_envelope_never_a_panic,
    parallel_uploads_never_pass_the_caps,
    active_pdfs_polyglots_and_pixel_bombs_are_refused_and_downloads_are_attachments,
    uploads_are_rate_limited_per_account,
    exported_answers_never_run_as_formulas,
    staff_are_created_only_at_their_role_s_level,
);

async fn an_invitation_to_a_number_gives_nothing_until_the_number_is_proven_and_the_elder_confirms(
    app: TestApp,
) {
    let (elder, id) = submitted(&app, "13900002001", "19400101").await;
    let invite = app
        .post(
            "/api/guardians/invitations",
            Some(&elder),
            json!({ "phone": "13900002002" }),
        )
        .await;
    let link = invite.body["id"].clone();
    // A stranger cannot register the invited number: the code goes to its real owner.
    let mut body = app.registration("13900002002");
    body["sms_code"] = json!("123456");
    let stranger = app.post("/api/auth/register", None, body).await;
    assert_envelope(&stranger, StatusCode::UNPROCESSABLE_ENTITY, "validation");

    // The real owner registers, but a code is needed again to accept, and any picture as
    // "proof" gives no access before the elder says yes.
    let family = app.register("13900002002").await;
    let without_code = app
        .send(upload(
            &format!("/api/guardians/{link}/accept?relationship=child"),
            &family,
            png(3),
        ))
        .await;
    assert!(
        without_code.body["fields"]["sms_code"].is_object(),
        "{}",
        without_code.body
    );
    let code = app
        .sms_code("13900002002", "guardian_accept", Some(&family))
        .await;
    let accepted = app
        .send(upload(
            &format!("/api/guardians/{link}/accept?relationship=child&code={code}"),
            &family,
            png(3),
        ))
        .await;
    assert_eq!(accepted.body["state"], "accepted", "{}", accepted.body);
    let application = format!("/api/retrofit/applications/{id}");
    assert_eq!(
        app.get(&application, Some(&family)).await.status,
        StatusCode::NOT_FOUND
    );
    let doc = format!("{application}/documents/1");
    assert_eq!(
        app.get(&doc, Some(&family)).await.status,
        StatusCode::NOT_FOUND
    );
    // Nobody but the elder (or their street office) confirms — not the family member.
    let self_confirm = app
        .post(
            &format!("/api/guardians/{link}/confirm"),
            Some(&family),
            json!({}),
        )
        .await;
    assert_eq!(self_confirm.status, StatusCode::NOT_FOUND);
    let confirmed = app
        .post(
            &format!("/api/guardians/{link}/confirm"),
            Some(&elder),
            json!({}),
        )
        .await;
    assert_eq!(confirmed.body["state"], "active", "{}", confirmed.body);
    assert_eq!(
        app.get(&application, Some(&family)).await.status,
        StatusCode::OK
    );
}

async fn the_street_office_sees_the_relationship_opens_the_proof_on_record_and_confirms(
    app: TestApp,
) {
    let (elder, id) = submitted(&app, "13900002011", "19400202").await;
    let invite = app
        .post(
            "/api/guardians/invitations",
            Some(&elder),
            json!({ "phone": "13900002012" }),
        )
        .await;
    let link = invite.body["id"].clone();
    let family = app.register("13900002012").await;
    let code = app
        .sms_code("13900002012", "guardian_accept", Some(&family))
        .await;
    app.send(upload(
        &format!("/api/guardians/{link}/accept?relationship=spouse&code={code}"),
        &family,
        png(4),
    ))
    .await;
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let seen = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&street))
        .await
        .body;
    let links = seen["family_links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{seen}");
    assert_eq!(links[0]["relationship"], "spouse");
    assert_eq!(links[0]["state"], "accepted");
    let proof = app
        .get(links[0]["proof_url"].as_str().unwrap(), Some(&street))
        .await;
    assert_eq!(proof.status, StatusCode::OK);
    assert_eq!(app.audit_details("guardian.proof_view").await.len(), 1);
    // A reviewer of another street can do neither.
    let admin = app.sign_in_demo(Role::SystemAdmin).await;
    let other_street = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.county),
            JurisdictionLevel::Street,
            "东门街道",
        )
        .await
        .unwrap();
    let outsider = app
        .create_staff(&admin, "13900002019", "street_reviewer", other_street.id)
        .await;
    let refused = app
        .post(
            &format!("/api/guardians/{link}/confirm"),
            Some(&outsider),
            json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let confirmed = app
        .post(
            &format!("/api/guardians/{link}/confirm"),
            Some(&street),
            json!({}),
        )
        .await;
    assert_eq!(confirmed.body["state"], "active", "{}", confirmed.body);
    assert_eq!(
        app.audit_details("guardian.confirm_by_street").await.len(),
        1
    );
}

async fn a_survey_reaching_other_areas_cannot_be_rewritten_or_republished(app: TestApp) {
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    let neighbour = app
        .state
        .db
        .ensure_jurisdiction(
            Some(&app.places.street),
            JurisdictionLevel::Community,
            "荷花池社区",
        )
        .await
        .unwrap();
    let template = app.get("/api/surveys/template", Some(&street)).await.body;
    let both = json!({ "definition": template, "community_ids": [app.places.community.id, neighbour.id],
                       "opens_on": "2020-01-01", "closes_on": "2099-12-31" });
    let created = app.post("/api/surveys", Some(&street), both.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].clone();
    crate::surveys::publish(&app, &street, &id).await;

    let community = app.sign_in_demo(Role::CommunityStaff).await;
    let mut narrowed = both.clone();
    narrowed["community_ids"] = json!([app.places.community.id]);
    let edit = app
        .put(&format!("/api/surveys/{id}"), Some(&community), narrowed)
        .await;
    assert_envelope(&edit, StatusCode::FORBIDDEN, "forbidden");
    let republish = app
        .post(
            &format!("/api/surveys/{id}/publish"),
            Some(&community),
            json!({}),
        )
        .await;
    assert_envelope(&republish, StatusCode::FORBIDDEN, "forbidden");
    // Still reaching both; the street office, over both, may change it.
    let survey = app
        .get(&format!("/api/surveys/{id}"), Some(&street))
        .await
        .body;
    assert_eq!(
        survey["communities"].as_array().unwrap().len(),
        2,
        "{survey}"
    );
    let by_street = app
        .put(&format!("/api/surveys/{id}"), Some(&street), both)
        .await;
    assert_eq!(by_street.status, StatusCode::OK, "{}", by_street.body);
}

async fn odd_months_and_parameters_answer_in_the_envelope_never_a_panic(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let template = app.get("/api/surveys/template", Some(&staff)).await.body;
    let created = app
        .post(
            "/api/surveys",
            Some(&staff),
            json!({ "definition": template, "community_ids": [app.places.community.id],
                    "opens_on": "2020-01-01", "closes_on": "2099-12-31" }),
        )
        .await;
    let id = created.body["id"].clone();
    for month in [
        "%E3%80%80%E3%80%802026-12",
        "2026-1%EF%BC%91",
        "%20%202026-12",
        "2026-13",
        "x",
    ] {
        for path in ["results", "export"] {
            let r = app
                .get(
                    &format!("/api/surveys/{id}/{path}?month={month}"),
                    Some(&staff),
                )
                .await;
            assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
            assert!(r.body["fields"]["month"].is_object(), "{month}: {}", r.body);
        }
    }
    for (path, parameter) in [
        ("/api/cases?after=abc", "after"),
        ("/api/cases?overdue=maybe", "overdue"),
        ("/api/admin/accounts?after=1e3", "after"),
        ("/api/notifications?before=-", "before"),
    ] {
        let r = app.get(path, Some(&staff)).await;
        assert_envelope(&r, StatusCode::BAD_REQUEST, "invalid_parameter");
        assert!(
            r.body["fields"][parameter].is_object(),
            "{path}: {}",
            r.body
        );
    }
    let bad_utf8 = app.get("/api/cases/%FF", Some(&staff)).await;
    assert_envelope(&bad_utf8, StatusCode::BAD_REQUEST, "invalid_parameter");
    let wrong_method = app.delete("/api/surveys/template", Some(&staff)).await;
    assert_envelope(
        &wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    let allow = wrong_method
        .headers
        .get(header::ALLOW)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(allow.contains("GET"), "{allow}");
}

async fn parallel_uploads_never_pass_the_caps(app: TestApp) {
    let resident = app.register("13900002021").await;
    let case = crate::cases::file(&app, &resident, "home-repair", "caps").await;
    let case_id = case["id"].clone();
    let photos = (0..12u8).map(|shade| {
        app.send(upload(
            &format!("/api/cases/{case_id}/photos"),
            &resident,
            png(shade * 10),
        ))
    });
    let created = futures_count(photos).await;
    assert_eq!(created, 6, "six photos at most per case");
    let stored = app
        .strings(&format!(
            "SELECT hash FROM case_photos WHERE case_id = {case_id}"
        ))
        .await;
    assert_eq!(stored.len(), 6);

    let elder = app.register("13900002022").await;
    let draft = start(&app, &elder, "caps", None).await;
    let id = draft.body["id"].clone();
    let docs = (0..23u8).map(|shade| add_document(&app, &elder, &id, "other", png(shade * 11 + 1)));
    let created = futures_count(docs).await;
    assert_eq!(created, 20, "twenty documents at most per application");
    let view = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&elder))
        .await;
    assert_eq!(view.body["documents"].as_array().unwrap().len(), 20);
}

/// Run the requests at once; how many were created.
async fn futures_count(
    requests: impl Iterator<Item = impl std::future::Future<Output = crate::support::Response>>,
) -> usize {
    let mut created = 0;
    for r in futures::future::join_all(requests).await {
        if r.status == StatusCode::CREATED {
            created += 1;
        } else {
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        }
    }
    created
}

fn big_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::GrayImage::new(w, h);
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn active_pdfs_polyglots_and_pixel_bombs_are_refused_and_downloads_are_attachments(
    app: TestApp,
) {
    let elder = app.register("13900002031").await;
    let draft = start(&app, &elder, "files", None).await;
    let id = draft.body["id"].clone();
    let script = pdf_with("/OpenAction << /S /JavaScript /JS (app.alert(document.cookie)) >>");
    let r = add_document(&app, &elder, &id, "other", script).await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["document"]["message"]
        .as_str()
        .unwrap()
        .contains("脚本"));
    let mut polyglot = pdf_with("");
    polyglot.extend_from_slice(b"<html><body><script>alert(1)</script></body></html>");
    let r = add_document(&app, &elder, &id, "other", polyglot).await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // 116 KB on the wire, 36 megapixels decoded.
    let bomb = big_png(6000, 6000);
    assert!(bomb.len() < 200_000);
    let r = add_document(&app, &elder, &id, "other", bomb.clone()).await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(r.body["fields"]["document"]["message"]
        .as_str()
        .unwrap()
        .contains("2400"));
    let case = crate::cases::file(&app, &elder, "home-repair", "bomb").await;
    let r = app
        .send(upload(
            &format!("/api/cases/{}/photos", case["id"]),
            &elder,
            bomb,
        ))
        .await;
    assert_envelope(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");

    let ok = add_document(&app, &elder, &id, "ownership_proof", pdf_with("")).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let url = ok.body["documents"][0]["url"].as_str().unwrap().to_owned();
    let download = app.get(&url, Some(&elder)).await;
    let h = |name: header::HeaderName| {
        download
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(h(header::CONTENT_DISPOSITION).starts_with("attachment"));
    assert_eq!(h(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(h(header::CONTENT_SECURITY_POLICY).contains("sandbox"));
}

async fn uploads_are_rate_limited_per_account(app: TestApp) {
    let resident = app.register("13900002041").await;
    let case = crate::cases::file(&app, &resident, "home-repair", "rate").await;
    let path = format!("/api/cases/{}/photos", case["id"]);
    let max = app.state.settings.policy.uploads_per_account;
    // The same photo again and again: stored once, but every upload costs work, so counts.
    for _ in 0..max {
        let r = app.send(upload(&path, &resident, png(7))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let over = app.send(upload(&path, &resident, png(7))).await;
    assert_envelope(&over, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(over.headers.contains_key(header::RETRY_AFTER));
    app.state
        .clock
        .advance(app.state.settings.policy.upload_window_secs + 1);
    let later = app.send(upload(&path, &resident, png(7))).await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.body);
}

async fn exported_answers_never_run_as_formulas(app: TestApp) {
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    let template = app.get("/api/surveys/template", Some(&staff)).await.body;
    let mut definition = template.clone();
    definition["questions"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "id": "note", "text": "其他意见", "kind": { "type": "short_text" }, "required": false, "page": 1 }));
    let created = app
        .post(
            "/api/surveys",
            Some(&staff),
            json!({ "definition": definition, "community_ids": [app.places.community.id],
                    "opens_on": "2020-01-01", "closes_on": "2099-12-31" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let survey = crate::surveys::publish(&app, &staff, &created.body["id"]).await;
    let mut answers = crate::surveys::answers("满意");
    answers["note"] = json!("=HYPERLINK(\"http://evil.example\",\"点这里\")");
    let r = crate::surveys::collect(&app, &staff, &survey, "f1", "101", answers).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let csv = app
        .get(
            &format!("/api/surveys/{}/export?format=csv", survey["id"]),
            Some(&staff),
        )
        .await;
    let text = csv.body.as_str().unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"));
}

async fn staff_are_created_only_at_their_role_s_level(app: TestApp) {
    let county = app.sign_in_demo(Role::CountyAdmin).await;
    let create = |role: &str, at: i64| {
        app.post(
            "/api/admin/accounts",
            Some(&county),
            json!({ "phone": "13900002051", "password": "staff passphrase", "display_name": "新同事",
                    "role": role, "jurisdiction_id": at }),
        )
    };
    let whole_county = create("street_reviewer", app.places.county.id).await;
    assert_envelope(
        &whole_county,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation",
    );
    assert!(whole_county.body["fields"]["jurisdiction_id"].is_object());
    let street_staff = create("community_staff", app.places.street.id).await;
    assert!(street_staff.body["fields"]["jurisdiction_id"].is_object());
    let ok = create("street_reviewer", app.places.street.id).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}

/// Not per backend: headers and request ids are the router's, whatever stores the data.
#[tokio::test]
async fn every_answer_carries_the_security_headers_and_our_own_request_id() {
    let app = TestApp::sqlite().await;
    let request = Request::builder()
        .uri("/api/health")
        .header("x-request-id", "forged-id-that-is-far-too-long-".repeat(8))
        .body(Body::empty())
        .unwrap();
    let r = app.send(request).await;
    let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let csp = h("content-security-policy").unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(h("referrer-policy").as_deref(), Some("no-referrer"));
    assert!(h("permissions-policy").is_some());
    assert!(
        h("strict-transport-security").is_none(),
        "no HSTS over plain HTTP"
    );
    let id = h("x-request-id").unwrap();
    assert!(
        !id.contains("forged") && uuid::Uuid::parse_str(&id).is_ok(),
        "{id}"
    );

    let https = TestApp::sqlite_with(|s| s.secure_cookies = true).await;
    let r = https.get("/api/health", None).await;
    assert!(r.headers.contains_key("strict-transport-security"));
}
