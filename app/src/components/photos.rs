//! Adding photos to a case: each photo is shrunk in the browser (longest side 1600 px, JPEG)
//! before upload, which saves a resident's mobile data, and each upload is retried a few
//! times so a flaky connection does not lose it. The server re-checks everything.

use crate::api;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::complaint::{PhotoStage, PhotoView};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

const MAX_SIDE: f64 = 1600.0;

/// Whether the chosen file is what this picker takes — a photo, or (`pdf_too`) a PDF — by its
/// first bytes (`anju_domain::file_kind`), before anything is shrunk or sent. A file the
/// browser cannot read goes on to the server, which decides.
pub async fn check_file(file: &web_sys::Blob, pdf_too: bool) -> Result<(), FieldError> {
    use anju_domain::file_kind::{check_head, HEAD_BYTES};
    let head = async {
        let part = file.slice_with_i32_and_i32(0, HEAD_BYTES as i32)?;
        let buffer = JsFuture::from(part.array_buffer()).await?;
        Ok::<_, JsValue>(js_sys::Uint8Array::new(&buffer).to_vec())
    };
    let Ok(head) = head.await else {
        return Ok(());
    };
    check_head(&head, pdf_too).map(|_| ()).map_err(|r| {
        let (zh, en) = r.message();
        FieldError::new(zh, en)
    })
}

pub(crate) async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// Decode, scale down and re-encode as JPEG; falls back to the original file if the browser
/// cannot (the server refuses what is not a photo anyway).
pub async fn shrink(file: &web_sys::File) -> web_sys::Blob {
    async fn try_shrink(file: &web_sys::File) -> Result<web_sys::Blob, JsValue> {
        let bitmap: web_sys::ImageBitmap =
            JsFuture::from(window().create_image_bitmap_with_blob(file)?)
                .await?
                .dyn_into()?;
        let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
        let scale = (MAX_SIDE / w.max(h)).min(1.0);
        let (tw, th) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
        let canvas: web_sys::HtmlCanvasElement = document().create_element("canvas")?.dyn_into()?;
        canvas.set_width(tw as u32);
        canvas.set_height(th as u32);
        let ctx: web_sys::CanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or_else(|| JsValue::from_str("no 2d"))?
            .dyn_into()?;
        ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, tw, th)?;
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            let done = Closure::once_into_js(move |blob: JsValue| {
                let _ = if blob.is_null() {
                    reject.call0(&JsValue::NULL)
                } else {
                    resolve.call1(&JsValue::NULL, &blob)
                };
            });
            let _ = canvas.to_blob_with_type_and_encoder_options(
                done.unchecked_ref(),
                "image/jpeg",
                &JsValue::from_f64(0.85),
            );
        });
        JsFuture::from(promise).await?.dyn_into()
    }
    match try_shrink(file).await {
        Ok(blob) => blob,
        Err(_) => file.clone().into(),
    }
}

/// Run an upload, trying again up to three times while the network fails.
pub async fn with_retry<T, Fut>(mut attempt_upload: impl FnMut() -> Fut) -> api::ApiResult<T>
where
    Fut: std::future::Future<Output = api::ApiResult<T>>,
{
    let mut attempt = 0;
    loop {
        match attempt_upload().await {
            Err(e) if e.code == "network" && attempt < 3 => {
                attempt += 1;
                sleep_ms(1000 * attempt).await;
            }
            other => return other,
        }
    }
}

/// Upload one photo of a case, trying again while the network fails.
pub async fn upload_with_retry(
    case_id: i64,
    stage: PhotoStage,
    blob: &web_sys::Blob,
) -> api::ApiResult<Vec<PhotoView>> {
    with_retry(|| api::upload_photo(case_id, stage, blob)).await
}

#[component]
pub fn PhotoUploader(
    case_id: i64,
    stage: PhotoStage,
    photos: RwSignal<Vec<PhotoView>>,
) -> impl IntoView {
    let label = match stage {
        PhotoStage::Report => "photos.add",
        PhotoStage::After => "photos.add_after",
    };
    let upload = move |blob: web_sys::Blob| async move {
        upload_with_retry(case_id, stage, &blob)
            .await
            .map(|list| photos.set(list))
    };
    view! { <PhotoPicker input_id=format!("photo-{}", stage.as_str()) label=label upload=upload /> }
}

/// The file input that shrinks each chosen photo and hands it to `upload`, showing progress
/// and the first refusal next to the field.
/// `detail` is added to the label for screen readers where several pickers share one label
/// (one per item of a plan).
#[component]
pub fn PhotoPicker<F, Fut>(
    input_id: String,
    label: &'static str,
    upload: F,
    #[prop(optional)] detail: String,
) -> impl IntoView
where
    F: Fn(web_sys::Blob) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = api::ApiResult<()>> + 'static,
{
    let locale = expect_context::<Prefs>().locale;
    let error = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        input.set_value("");
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            for file in files {
                if let Err(refused) = check_file(&file, false).await {
                    error.set(Some(refused));
                    continue;
                }
                let blob = shrink(&file).await;
                if let Err(e) = upload(blob).await {
                    let detail = e.fields.values().next().cloned();
                    error.set(Some(
                        detail.unwrap_or(FieldError::new(e.message, e.message_en)),
                    ));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <div class="field" class:field--error=move || error.with(Option::is_some)>
            <label for=input_id.clone()>{tr(label)}{(!detail.is_empty()).then(|| view! { <span class="visually-hidden">" " {detail}</span> })}</label>
            <p class="hint" id=format!("{input_id}-hint")>{tr("photos.hint")}</p>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{pick(locale.get(), &e)}</p> })}
            <input id=input_id.clone() type="file" accept="image/*" multiple
                aria-describedby=format!("{input_id}-hint") prop:disabled=move || busy.get() on:change=on_change />
            <Show when=move || busy.get()>
                <p role="status">{tr("photos.uploading")}</p>
            </Show>
        </div>
    }
}

#[component]
pub fn PhotoList(photos: RwSignal<Vec<PhotoView>>) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    move || {
        let list = photos.get();
        (!list.is_empty()).then(|| view! {
            <ul class="photos">
                {list.into_iter().enumerate().map(|(i, p)| {
                    let key = if p.stage == PhotoStage::After { "photos.after_alt" } else { "photos.report_alt" };
                    let alt = format!("{} {}", crate::i18n::text(locale.get(), key), i + 1);
                    let href = p.url.clone();
                    view! {
                        <li><a href=href target="_blank" rel="noopener">
                            <img src=p.url alt=alt loading="lazy" width=p.width height=p.height />
                        </a></li>
                    }
                }).collect_view()}
            </ul>
        })
    }
}

/// Thumbnails linking to the full photos: `(url, width, height)`, each named by `alt` (a
/// message key) and its number.
#[component]
pub fn PhotoThumbs(photos: Vec<(String, u32, u32)>, alt: &'static str) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    view! {
        <ul class="photos">
            {photos.into_iter().enumerate().map(|(i, (url, width, height))| {
                let href = url.clone();
                view! {
                    <li><a href=href target="_blank" rel="noopener">
                        <img src=url alt=move || format!("{} {}", crate::i18n::text(locale.get(), alt), i + 1) loading="lazy" width=width height=height />
                    </a></li>
                }
            }).collect_view()}
        </ul>
    }
}
