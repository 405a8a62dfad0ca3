use crate::support::{assert_envelope, on_both_backends, png, upload, TestApp};
use anju_domain::Role;
use axum::http::StatusCode;
use serde_json::json;

on_both_backends!(photos_are_checked_cleaned_deduplicated_and_private);

async fn photos_are_checked_cleaned_deduplicated_and_private(app: TestApp) {
    let resident = app.register("13900000500").await;
    let case = app
        .post(
            "/api/cases",
            Some(&resident),
            json!({ "client_key": "p-1", "category": "home-repair", "description": "墙皮脱落" }),
        )
        .await
        .body;
    let path = format!("/api/cases/{}/photos", case["id"]);

    let first = app.send(upload(&path, &resident, png(10))).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body[0]["stage"], "report");
    assert_eq!(first.body[0]["width"], 64);
    // The same photo again (a retried upload) is kept once.
    let retry = app.send(upload(&path, &resident, png(10))).await;
    assert_eq!(retry.body.as_array().unwrap().len(), 1);

    let url = first.body[0]["url"].as_str().unwrap().to_owned();
    let got = app.get(&url, Some(&resident)).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.headers["content-type"], "image/jpeg");
    assert!(got.headers["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("private"));

    let stranger = app.register("13900000501").await;
    assert_envelope(
        &app.get(&url, Some(&stranger)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let staff = app.sign_in_demo(Role::CommunityStaff).await;
    assert_eq!(app.get(&url, Some(&staff)).await.status, StatusCode::OK);
    let seen = app
        .get(&format!("/api/cases/{}", case["id"]), Some(&resident))
        .await;
    assert_eq!(seen.body["photos"][0]["url"], url.as_str());

    let pdf = app
        .send(upload(
            &path,
            &resident,
            b"%PDF-1.7 renamed to photo.jpg".to_vec(),
        ))
        .await;
    assert_envelope(&pdf, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(pdf.body["fields"]["photo"]["message"]
        .as_str()
        .unwrap()
        .contains("不是照片"));

    let after = app
        .send(upload(&format!("{path}?stage=after"), &resident, png(11)))
        .await;
    assert_envelope(&after, StatusCode::FORBIDDEN, "forbidden");

    for shade in [60, 90, 120, 150, 180] {
        assert_eq!(
            app.send(upload(&path, &resident, png(shade))).await.status,
            StatusCode::CREATED
        );
    }
    let seventh = app.send(upload(&path, &resident, png(220))).await;
    let message = seventh.body["fields"]["photos"]["message"].as_str();
    assert!(message.is_some_and(|m| m.contains('6')), "{}", seventh.body);

    // A real-sized photo (well over the 64 KiB JSON limit) is accepted.
    let noisy = image::RgbImage::from_fn(400, 300, |x, y| {
        image::Rgb([(x * 7 + y * 13) as u8, (x * y) as u8, (x ^ y) as u8])
    });
    let mut big = std::io::Cursor::new(Vec::new());
    noisy.write_to(&mut big, image::ImageFormat::Png).unwrap();
    assert!(big.get_ref().len() > 100 * 1024, "{}", big.get_ref().len());
    let case2 = app
        .post(
            "/api/cases",
            Some(&resident),
            json!({ "client_key": "p-2", "category": "home-repair", "description": "窗户裂了" }),
        )
        .await
        .body;
    let r = app
        .send(upload(
            &format!("/api/cases/{}/photos", case2["id"]),
            &resident,
            big.into_inner(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let huge = app
        .send(upload(&path, &resident, vec![0xFF; 11 * 1024 * 1024]))
        .await;
    assert_envelope(&huge, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Staff add after-photos.
    let staff_upload = app.send(upload(&path, &staff, png(40))).await;
    assert_eq!(staff_upload.status, StatusCode::CREATED);
    assert!(staff_upload
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["stage"] == "after"));
}

/// PostgreSQL deployments run several instances, each on its own machine: a photo or a sealed
/// document uploaded through one is served by another that never saw it on disk.
#[tokio::test]
#[ignore = "needs ANJU_TEST_POSTGRES_URL; run with --ignored"]
async fn instances_on_one_postgresql_serve_each_others_files_without_a_shared_disk() {
    let app = TestApp::postgres().await;
    let resident = app.register("13900000510").await;
    let case = app
        .post(
            "/api/cases",
            Some(&resident),
            json!({ "client_key": "p-2", "category": "home-repair", "description": "窗户关不上" }),
        )
        .await
        .body;
    let photo = app
        .send(upload(
            &format!("/api/cases/{}/photos", case["id"]),
            &resident,
            png(12),
        ))
        .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{}", photo.body);
    let photo_url = photo.body[0]["url"].as_str().unwrap().to_owned();
    let draft = crate::retrofit::start(&app, &resident, "disk-1", None).await;
    let id = draft.body["id"].clone();
    let document = crate::retrofit::add_document(&app, &resident, &id, "id_front", png(13)).await;
    assert_eq!(document.status, StatusCode::CREATED, "{}", document.body);
    let document_url = document.body["documents"][0]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    // Nothing went to this instance's disk.
    let uploads = &app.state.settings.upload_dir;
    assert!(
        !uploads.exists() || std::fs::read_dir(uploads).unwrap().next().is_none(),
        "files written to {}",
        uploads.display()
    );

    let (other, _other_disk) = app.second_instance_with_own_disk().await;
    for url in [photo_url, document_url] {
        let here = app.get(&url, Some(&resident)).await;
        let there = TestApp::send_to(
            &other,
            TestApp::request(axum::http::Method::GET, &url, Some(&resident), None),
        )
        .await;
        assert_eq!(here.status, StatusCode::OK, "{url}");
        assert_eq!(
            there.status,
            StatusCode::OK,
            "{url} from the other instance"
        );
        assert_eq!(there.body, here.body, "{url}: the same bytes");
    }
}
