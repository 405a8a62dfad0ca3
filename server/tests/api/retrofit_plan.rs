//! The household's plan and its signature, through the API: the assessor's draft priced from
//! the county's catalogue, proposing (frozen, hashed, the family told), the family's request
//! for changes and the next version side by side, confirming who signs, the signature by the
//! elder or an active guardian, the certificate, and the public check of its code — which
//! fails once the stored plan is changed.

use super::retrofit::act;
use super::retrofit_assessment::{assessor_in, assign, confirmed, new_org};
use crate::support::{assert_envelope, on_both_backends, png, upload, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use base64::Engine;
use serde_json::{json, Value};

on_both_backends!(
    the_assessor_proposes_the_family_asks_for_changes_and_the_elder_signs_the_next_version,
    only_the_elder_or_an_active_guardian_signs_and_only_after_confirming_who_they_are,
    a_plan_changed_after_signing_fails_verification,
);

/// The assessor's demo record, every screen, then "assessment done"; returns
/// (elder, id, county admin, assessor).
pub(super) async fn assessed(
    app: &TestApp,
    elder_phone: &str,
    assessor_phone: &str,
) -> (String, Value, String, String) {
    let (elder, id, county) = confirmed(app, elder_phone).await;
    let org = new_org(app, &county, &format!("评估机构{elder_phone}")).await;
    let (assessor, _) = assessor_in(app, &county, org, assessor_phone).await;
    assert_eq!(assign(app, &county, &id, org).await.status, StatusCode::OK);
    let path = format!("/api/retrofit/applications/{id}/assessment-record");
    let mut screens = vec![
        json!({ "screen": "activities", "answers": [
            ["eat", "can_do"], ["dress", "can_do"], ["bed", "needs_help"],
            ["toilet", "needs_help"], ["walk_indoors", "can_do"], ["bathe", "needs_help"]
        ] }),
        json!({ "screen": "wishes", "wishes": "卫生间想装扶手" }),
    ];
    for room in [
        "entrance",
        "living_room",
        "bedroom",
        "bathroom",
        "kitchen",
        "corridor",
    ] {
        screens.push(json!({ "screen": "room", "room": room, "hazards": [] }));
    }
    for screen in screens {
        let r = app.put(&path, Some(&assessor), screen).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = act(
        app,
        &assessor,
        &id,
        json!({ "action": "record_assessment" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (elder, id, county, assessor)
}

fn line(no: u16, room: &str, quantity_centi: i64) -> Value {
    json!({ "item_no": no, "room": room, "quantity_centi": quantity_centi, "note": "" })
}

/// Basic items 2, 11, 24 and 29 are not needed in this home.
fn not_needed() -> Value {
    json!([
        { "no": 2, "reason": "家里没有高差" },
        { "no": 11, "reason": "老人自己能起床" },
        { "no": 24, "reason": "已有手杖" },
        { "no": 29, "reason": "老人不会走失" }
    ])
}

/// Grab bars, shower chair and anti-slip floor (basic), a seated toilet (optional).
pub(super) fn first_plan() -> Value {
    json!({ "lines": [
        line(13, "bathroom", 300), line(17, "bathroom", 100), line(1, "bathroom", 400),
        line(14, "bathroom", 100)
    ], "not_needed": not_needed() })
}

fn plan_path(id: &Value) -> String {
    format!("/api/retrofit/applications/{id}/plan")
}

pub(super) async fn draft_and_propose(
    app: &TestApp,
    assessor: &str,
    id: &Value,
    plan: Value,
) -> Value {
    let r = app.put(&plan_path(id), Some(assessor), plan).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .post(
            &format!("{}/propose", plan_path(id)),
            Some(assessor),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body
}

/// A signature drawn on a 300×120 pad: a dark stroke on a transparent ground.
fn drawn_png(blank: bool) -> String {
    let mut img = image::RgbaImage::from_pixel(300, 120, image::Rgba([255, 255, 255, 0]));
    if !blank {
        for x in 20..280 {
            let y = 60 + ((x as f32 / 20.0).sin() * 30.0) as u32;
            for dy in 0..4 {
                img.put_pixel(x, y + dy, image::Rgba([20, 20, 20, 255]));
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    base64::engine::general_purpose::STANDARD.encode(out.into_inner())
}

pub(super) async fn confirm_identity(
    app: &TestApp,
    cookie: &str,
    id: &Value,
    sha: &str,
    password: &str,
) -> crate::support::Response {
    app.post(
        &format!("{}/confirm-identity", plan_path(id)),
        Some(cookie),
        json!({ "plan_sha256": sha, "password": password }),
    )
    .await
}

pub(super) async fn sign(
    app: &TestApp,
    cookie: &str,
    id: &Value,
    version: u64,
    sha: &str,
    agreed: bool,
    mark: Value,
) -> crate::support::Response {
    app.post(
        &format!("{}/signature", plan_path(id)),
        Some(cookie),
        json!({ "version": version, "plan_sha256": sha, "agreed": agreed, "mark": mark }),
    )
    .await
}

pub(super) const PASSWORD: &str = "a quiet courtyard";

fn field_of(r: &crate::support::Response, status: StatusCode, field: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(
        r.body["fields"][field].is_object(),
        "expected {field}: {}",
        r.body
    );
}

async fn the_assessor_proposes_the_family_asks_for_changes_and_the_elder_signs_the_next_version(
    app: TestApp,
) {
    let (elder, id, county, assessor) = assessed(&app, "13900001001", "13900001002").await;
    let path = plan_path(&id);
    let other_org = new_org(&app, &county, "另一家评估机构").await;
    let (outsider, _) = assessor_in(&app, &county, other_org, "13900001003").await;
    assert_envelope(
        &app.get(&path, Some(&outsider)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    for cookie in [&elder, &street] {
        assert_envelope(
            &app.put(&path, Some(cookie), first_plan()).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }

    let empty = app.get(&path, Some(&assessor)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert_eq!(empty.body["current"], Value::Null);
    assert_eq!(empty.body["may_draft"], true);
    assert_eq!(empty.body["subsidised"], true);

    // Line mistakes are refused by field; an optional item before the basic ones are settled
    // is kept as a draft that cannot be proposed yet.
    for (body, field) in [
        (
            json!({ "lines": [line(13, "bathroom", 0)] }),
            "lines[0].quantity",
        ),
        (
            json!({ "lines": [line(99, "bathroom", 100)] }),
            "lines[0].item",
        ),
        (
            json!({ "lines": [line(13, "bathroom", 100), line(13, "bathroom", 200)] }),
            "lines[1].item",
        ),
        (
            json!({ "lines": [line(13, "bathroom", 100)], "not_needed": [{ "no": 14, "reason": "x" }] }),
            "not_needed[0].no",
        ),
    ] {
        field_of(
            &app.put(&path, Some(&assessor), body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        );
    }
    let early = app
        .put(
            &path,
            Some(&assessor),
            json!({ "lines": [line(14, "bathroom", 100)] }),
        )
        .await;
    assert_eq!(early.status, StatusCode::OK, "{}", early.body);
    assert!(
        early.body["problems"]["lines"].is_object(),
        "{}",
        early.body
    );
    assert_eq!(early.body["may_propose"], false);
    let refused = app
        .post(&format!("{path}/propose"), Some(&assessor), json!({}))
        .await;
    field_of(&refused, StatusCode::UNPROCESSABLE_ENTITY, "lines");

    // Saved twice (a retry): one draft, version 1, priced from the catalogue.
    for _ in 0..2 {
        let r = app.put(&path, Some(&assessor), first_plan()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["current"]["version"], 1);
        assert_eq!(r.body["current"]["state"], "draft");
        assert_eq!(r.body["may_propose"], true);
    }
    assert_eq!(
        app.strings("SELECT state FROM retrofit_plans").await,
        vec!["draft"]
    );
    // The family does not see a draft.
    let family = app.get(&path, Some(&elder)).await.body;
    assert_eq!(family["current"], Value::Null);
    assert_eq!(family["may_sign_as"], Value::Null);

    let proposed = draft_and_propose(&app, &assessor, &id, first_plan()).await;
    let v1 = &proposed["current"];
    assert_eq!(v1["state"], "proposed");
    // 3 bars 540 + chair 200 + floor 4 m² 240 (subsidised) + seated toilet 1,800 (self-paid).
    assert_eq!(
        v1["costed"]["total"],
        json!({ "price_fen": 278_000, "subsidy_fen": 98_000, "self_paid_fen": 180_000 })
    );
    let sha1 = v1["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha1.len(), 64);
    // A retried propose changes nothing.
    let again = app
        .post(&format!("{path}/propose"), Some(&assessor), json!({}))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["current"]["sha256"], sha1.as_str());
    let case = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&elder))
        .await
        .body;
    assert_eq!(case["state"], "plan_proposed");
    let notes = app
        .get("/api/notifications", Some(&elder))
        .await
        .body
        .to_string();
    assert_eq!(notes.matches("第 1 版").count(), 1, "{notes}");
    // The plan actions go through the plan, not the generic actions.
    let generic = act(&app, &elder, &id, json!({ "action": "sign_plan" })).await;
    assert_envelope(&generic, StatusCode::CONFLICT, "conflict");

    // The elder reads it and asks for a change, saying what.
    let family = app.get(&path, Some(&elder)).await.body;
    assert_eq!(family["may_sign_as"], "elder");
    assert_eq!(family["may_ask_changes"], true);
    let no_note = app
        .post(
            &format!("{path}/changes"),
            Some(&elder),
            json!({ "note": "  " }),
        )
        .await;
    field_of(&no_note, StatusCode::UNPROCESSABLE_ENTITY, "note");
    let asked = app
        .post(
            &format!("{path}/changes"),
            Some(&elder),
            json!({ "note": "坐便器不用换，想要走廊夜灯" }),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert_eq!(asked.body["current"]["state"], "changes_requested");
    assert_eq!(
        asked.body["current"]["change_request"],
        "坐便器不用换，想要走廊夜灯"
    );
    assert_eq!(asked.body["may_sign_as"], Value::Null);
    let assessor_notes = app
        .get("/api/notifications", Some(&assessor))
        .await
        .body
        .to_string();
    assert!(assessor_notes.contains("希望修改"), "{assessor_notes}");

    // Version 2: the seated toilet out, two night lights in the corridor.
    let second = json!({ "lines": [
        line(13, "bathroom", 300), line(17, "bathroom", 100), line(1, "bathroom", 400),
        line(20, "corridor", 200)
    ], "not_needed": not_needed() });
    let v2 = draft_and_propose(&app, &assessor, &id, second).await;
    assert_eq!(v2["current"]["version"], 2);
    let family = app.get(&path, Some(&elder)).await.body;
    assert_eq!(family["current"]["version"], 2);
    assert_eq!(family["previous"]["version"], 1);
    let changes = family["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0]["change"], "added");
    assert_eq!(changes[0]["after"]["item"]["no"], 20);
    assert_eq!(changes[1]["change"], "removed");
    assert_eq!(changes[1]["before"]["item"]["no"], 14);
    assert_eq!(family["history"].as_array().unwrap().len(), 2);
    let sha2 = family["current"]["sha256"].as_str().unwrap().to_owned();
    assert_ne!(sha1, sha2);

    // Signing the old version is refused; the current one is signed once.
    let stale = confirm_identity(&app, &elder, &id, &sha1, PASSWORD).await;
    assert_envelope(&stale, StatusCode::CONFLICT, "conflict");
    let ok = confirm_identity(&app, &elder, &id, &sha2, PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let drawn = json!({ "kind": "drawn", "png_base64": drawn_png(false) });
    for _ in 0..2 {
        let r = sign(&app, &elder, &id, 2, &sha2, true, drawn.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.body["signature"]["version"], 2);
        assert_eq!(r.body["signature"]["capacity"], "elder");
    }
    assert_eq!(
        app.strings("SELECT code FROM retrofit_signatures")
            .await
            .len(),
        1
    );
    let case = app
        .get(&format!("/api/retrofit/applications/{id}"), Some(&elder))
        .await
        .body;
    assert_eq!(case["state"], "plan_signed");
    let signed = app.audit_details("retrofit.plan_signature").await;
    assert_eq!(signed.len(), 1);
    assert!(
        signed[0].contains(&format!("sha256={sha2}")),
        "{}",
        signed[0]
    );
    assert!(app
        .state
        .db
        .verify_audit_chain()
        .await
        .unwrap()
        .broken
        .is_none());
    // The mark is sealed at rest.
    let stored = app
        .strings("SELECT mark_enc FROM retrofit_signatures")
        .await;
    assert!(!stored[0].starts_with("iVBOR"), "{}", &stored[0][..20]);

    // The certificate, for the family and (recorded) for the street office.
    let cert = app.get(&format!("{path}/certificate"), Some(&elder)).await;
    assert_eq!(cert.status, StatusCode::OK, "{}", cert.body);
    assert_eq!(cert.body["intact"], true);
    assert_eq!(cert.body["plan_sha256"], sha2.as_str());
    assert!(cert.body["mark"]
        .as_str()
        .unwrap()
        .starts_with("data:image/png;base64,"));
    assert_eq!(cert.body["signer_masked"], "王*姨");
    assert_eq!(cert.body["signer_phone_masked"], "139****1001");
    let address = cert.body["address"].as_str().unwrap();
    assert!(
        address.contains("2单元") && !address.contains("301"),
        "no room number: {address}"
    );
    let views = app.audit_details("retrofit.view").await.len();
    let office = app.get(&format!("{path}/certificate"), Some(&street)).await;
    assert_eq!(office.status, StatusCode::OK, "{}", office.body);
    assert_eq!(app.audit_details("retrofit.view").await.len(), views + 1);
    assert_envelope(
        &app.get(&format!("{path}/certificate"), Some(&outsider))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    // Anyone with the code checks it, and learns nothing else about the household.
    let code = cert.body["code"].as_str().unwrap().to_owned();
    let printed = anju_domain::retrofit_signing::format_code(&code).to_lowercase();
    let check = app.get(&format!("/api/verify/{printed}"), None).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert_eq!(check.body["valid"], true);
    assert_eq!(check.body["plan_sha256"], sha2.as_str());
    let mut keys: Vec<&str> = check
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "capacity",
            "code",
            // Which document the code is for (plan or construction contract): nothing personal.
            "contract_sha256",
            "document",
            "plan_sha256",
            "signed_at",
            "signer_masked",
            "valid",
            "version"
        ]
    );
    assert_eq!(check.body["signer_masked"], "王*姨");
    assert_eq!(check.body["document"], "plan");
    field_of(
        &app.get("/api/verify/abc", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "code",
    );
    assert_envelope(
        &app.get("/api/verify/2222-3333-4444", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    // Signed: no more drafts.
    let late = app.put(&path, Some(&assessor), first_plan()).await;
    assert_envelope(&late, StatusCode::CONFLICT, "conflict");
}

/// An elder with an active guardian (relationship "child"); returns the guardian's cookie.
pub async fn guardian_of(app: &TestApp, elder: &str, guardian_phone: &str) -> String {
    let son = app.register(guardian_phone).await;
    let invite = app
        .post(
            "/api/guardians/invitations",
            Some(elder),
            json!({ "phone": guardian_phone }),
        )
        .await;
    assert_eq!(invite.status, StatusCode::CREATED, "{}", invite.body);
    let link = invite.body["id"].clone();
    let code = app
        .sms_code(guardian_phone, "guardian_accept", Some(&son))
        .await;
    let accepted = app
        .send(upload(
            &format!("/api/guardians/{link}/accept?relationship=child&code={code}"),
            &son,
            png(9),
        ))
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    let confirmed = app
        .post(
            &format!("/api/guardians/{link}/confirm"),
            Some(elder),
            json!({}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    son
}

async fn only_the_elder_or_an_active_guardian_signs_and_only_after_confirming_who_they_are(
    app: TestApp,
) {
    let (elder, id, _county, assessor) = assessed(&app, "13900001011", "13900001012").await;
    let son = guardian_of(&app, &elder, "13900001013").await;
    let proposed = draft_and_propose(&app, &assessor, &id, first_plan()).await;
    let sha = proposed["current"]["sha256"].as_str().unwrap().to_owned();
    let typed = json!({ "kind": "typed", "name": "王阿姨" });

    // Neither a stranger, nor an office, nor the assessor signs.
    let stranger = app.register("13900001014").await;
    assert_envelope(
        &confirm_identity(&app, &stranger, &id, &sha, PASSWORD).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_envelope(
        &sign(&app, &stranger, &id, 1, &sha, true, typed.clone()).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let street = app.sign_in_demo(Role::StreetReviewer).await;
    for cookie in [&street, &assessor] {
        assert_envelope(
            &sign(&app, cookie, &id, 1, &sha, true, typed.clone()).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
    }
    // Not without confirming who signs, not with a wrong password.
    field_of(
        &sign(&app, &son, &id, 1, &sha, true, typed.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "password",
    );
    field_of(
        &confirm_identity(&app, &son, &id, &sha, "not my password").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "password",
    );
    assert_eq!(
        app.audit_details("retrofit.plan_identity_failed")
            .await
            .len(),
        1
    );
    let ok = confirm_identity(&app, &son, &id, &sha, PASSWORD).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    // A confirmation is the signer's own: the elder's signature still needs hers.
    field_of(
        &sign(&app, &elder, &id, 1, &sha, true, typed.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "password",
    );

    // What the guardian signs with is checked.
    for (agreed, mark, field) in [
        (false, typed.clone(), "agreed"),
        (true, json!({ "kind": "typed", "name": "李四" }), "mark"),
        (true, json!({ "kind": "typed", "name": "  " }), "mark"),
        (
            true,
            json!({ "kind": "drawn", "png_base64": drawn_png(true) }),
            "mark",
        ),
        (true, json!({ "kind": "drawn", "png_base64": "" }), "mark"),
        (
            true,
            json!({ "kind": "drawn", "png_base64": "bm90IGEgcG5n" }),
            "mark",
        ),
    ] {
        field_of(
            &sign(&app, &son, &id, 1, &sha, agreed, mark).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            field,
        );
    }
    let wrong_kind = sign(&app, &son, &id, 1, &sha, true, json!({ "kind": "stamp" })).await;
    assert_envelope(&wrong_kind, StatusCode::BAD_REQUEST, "bad_request");
    assert!(app
        .strings("SELECT code FROM retrofit_signatures")
        .await
        .is_empty());

    // Five minutes later the confirmation has run out.
    app.state.clock.advance(301);
    field_of(
        &sign(&app, &son, &id, 1, &sha, true, typed.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "password",
    );
    assert_eq!(
        confirm_identity(&app, &son, &id, &sha, PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
    let signed = sign(&app, &son, &id, 1, &sha, true, typed.clone()).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert_eq!(signed.body["signature"]["capacity"], "guardian");
    let cert = app
        .get(&format!("{}/certificate", plan_path(&id)), Some(&elder))
        .await
        .body;
    assert_eq!(cert["relationship"], "child");
    assert_eq!(cert["mark_kind"], "typed");
    assert_eq!(cert["mark"], "王阿姨");
    assert_eq!(cert["identity_method"], "password");
    // The elder cannot sign over it.
    assert_eq!(
        confirm_identity(&app, &elder, &id, &sha, PASSWORD)
            .await
            .status,
        StatusCode::CONFLICT
    );
}

async fn a_plan_changed_after_signing_fails_verification(app: TestApp) {
    let (elder, id, _county, assessor) = assessed(&app, "13900001021", "13900001022").await;
    let proposed = draft_and_propose(&app, &assessor, &id, first_plan()).await;
    let sha = proposed["current"]["sha256"].as_str().unwrap().to_owned();
    assert_eq!(
        confirm_identity(&app, &elder, &id, &sha, PASSWORD)
            .await
            .status,
        StatusCode::OK
    );
    let r = sign(
        &app,
        &elder,
        &id,
        1,
        &sha,
        true,
        json!({ "kind": "typed", "name": "王阿姨" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let code = r.body["signature"]["code"].as_str().unwrap().to_owned();
    let cli = |code: &str| {
        app.sqlite_url().map(|url| {
            let dir = crate::support::temp_dir();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_anju"))
                .args([
                    "--data-dir",
                    &dir.0.display().to_string(),
                    "--database-url",
                    url,
                    "verify-plan",
                    code,
                ])
                .output()
                .expect("run anju");
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        })
    };
    assert_eq!(
        app.get(&format!("/api/verify/{code}"), None).await.body["valid"],
        true
    );
    if let Some((status, out)) = cli(&code) {
        assert_eq!(status, Some(0), "{out}");
        assert!(out.contains("MATCHES") && out.contains(&sha), "{out}");
    }

    // Someone with database access adds a hundredth of a grab bar.
    let changed = app
        .strings("UPDATE retrofit_plans SET lines_json = REPLACE(lines_json, '\"quantity_centi\":300', '\"quantity_centi\":301') RETURNING lines_json")
        .await;
    assert!(changed[0].contains("\"quantity_centi\":301"));
    let check = app.get(&format!("/api/verify/{code}"), None).await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert_eq!(check.body["valid"], false);
    let cert = app
        .get(&format!("{}/certificate", plan_path(&id)), Some(&elder))
        .await
        .body;
    assert_eq!(cert["intact"], false);
    if let Some((status, out)) = cli(&code) {
        assert_eq!(status, Some(1), "{out}");
        assert!(out.contains("DOES NOT MATCH"), "{out}");
    }
    if let Some((status, _)) = cli("2222-3333-4444") {
        assert_eq!(status, Some(2));
    }
    // Changing the stored document instead is caught too.
    app.strings("UPDATE retrofit_plans SET lines_json = REPLACE(lines_json, '\"quantity_centi\":301', '\"quantity_centi\":300') RETURNING state").await;
    assert_eq!(
        app.get(&format!("/api/verify/{code}"), None).await.body["valid"],
        true
    );
    app.strings("UPDATE retrofit_plans SET document_json = REPLACE(document_json, '\"quantity_centi\":300', '\"quantity_centi\":301') RETURNING state").await;
    assert_eq!(
        app.get(&format!("/api/verify/{code}"), None).await.body["valid"],
        false
    );
}
