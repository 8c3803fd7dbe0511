use leptos::prelude::*;

/// Ids of the hint and error of a field, for `aria-describedby`.
fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled input with an optional hint and an error announced next to it.
/// `input_type = "password"` adds a show/hide button (it works once the island around it is hydrated); its
/// label says what pressing it does ("Show password" / "Hide password").
#[component]
pub fn Field(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, default = "text".into())] input_type: String,
    #[prop(into, optional)] value: String,
    #[prop(into, optional)] autocomplete: Option<String>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(into, optional)] error: MaybeProp<String>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let has_hint = hint.is_some();
    let is_password = input_type == "password";
    let (shown, set_shown) = signal(false);
    let current_type = move || {
        if is_password && shown.get() {
            "text".to_owned()
        } else {
            input_type.clone()
        }
    };
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let describe_id = id.clone();
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <div class="field-control">
                <input
                    id=id.clone()
                    name=name
                    type=current_type
                    value=value
                    autocomplete=autocomplete
                    required=required
                    minlength=minlength
                    maxlength=maxlength
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=move || described_by(&describe_id, has_hint, error.get().is_some())
                />
                {is_password.then(|| view! {
                    <button
                        type="button"
                        class="button-quiet show-password"
                        aria-controls=id.clone()
                        on:click=move |_| set_shown.update(|s| *s = !*s)
                    >
                        {move || if shown.get() { "Hide" } else { "Show" }}
                        <span class="visually-hidden">" password"</span>
                    </button>
                })}
            </div>
            <p class="field-error" id=error_id>
                {move || error.get()}
            </p>
        </div>
    }
}

/// A labelled multi-line text input.
#[component]
pub fn TextAreaField(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, optional)] value: String,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(default = 4)] rows: u32,
    #[prop(into, optional)] error: MaybeProp<String>,
) -> impl IntoView {
    let id = format!("f-{name}");
    let has_hint = hint.is_some();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let describe_id = id.clone();
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id.clone()>{h}</p> })}
            <textarea
                id=id
                name=name
                rows=rows
                required=required
                maxlength=maxlength
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || described_by(&describe_id, has_hint, error.get().is_some())
            >
                {value}
            </textarea>
            <p class="field-error" id=error_id>
                {move || error.get()}
            </p>
        </div>
    }
}

/// A checkbox with its label beside it.
#[component]
pub fn CheckboxField(
    #[prop(into)] name: String,
    #[prop(optional)] checked: bool,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] error: MaybeProp<String>,
    children: Children,
) -> impl IntoView {
    let id = format!("f-{name}");
    let error_id = format!("{id}-error");
    let describe_id = id.clone();
    view! {
        <div class="field field-checkbox" class:field-invalid=move || error.get().is_some()>
            <input
                type="checkbox"
                id=id.clone()
                name=name
                value="on"
                checked=checked
                required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || described_by(&describe_id, false, error.get().is_some())
            />
            <label for=id>{children()}</label>
            <p class="field-error" id=error_id>
                {move || error.get()}
            </p>
        </div>
    }
}
