use leptos::prelude::*;
use leptos_meta::Title;

/// Escapes text for the document `<title>`: leptos_meta writes titles into the HTML as they are, and a
/// member's topic title such as `</title><script>…` must stay text.
pub fn escape_title(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The page's title (the layout appends the community's name).
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=escape_title(&text)/> }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_cannot_close_the_title_element() {
        assert_eq!(
            super::escape_title("</title><script>x</script> & co"),
            "&lt;/title&gt;&lt;script&gt;x&lt;/script&gt; &amp; co"
        );
    }
}
