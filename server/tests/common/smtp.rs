//! A real SMTP server on loopback: accepts every message over TCP (as lettre speaks it) and keeps it for
//! the test to read.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The raw message with quoted-printable soft breaks and escapes undone (good enough to read links).
    pub data: String,
}

impl Received {
    pub fn subject(&self) -> String {
        self.data
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_owned()
    }

    /// The first link in the message that starts with `prefix` (up to a space, quote or angle bracket).
    pub fn link(&self, prefix: &str) -> String {
        let start = self.data.find(prefix).expect("the link in the mail");
        self.data[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '>'))
            .collect::<String>()
            .replace("&amp;", "&")
    }

    /// The first `token=` value in the message.
    pub fn token(&self) -> String {
        let start = self
            .data
            .find("token=")
            .map(|i| i + "token=".len())
            .expect("a token link in the mail");
        self.data[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
}

fn decode_quoted_printable(raw: &str) -> String {
    let joined = raw.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(b) = joined
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl SmtpSink {
    /// Listens on a free port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        SmtpSink::serve(listener, port)
    }

    /// A sink that does not listen: stands for an SMTP server that is down (the test may start a real one on
    /// the port later with [`SmtpSink::start_on`]).
    pub fn down(port: u16) -> SmtpSink {
        SmtpSink {
            port,
            messages: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Listens on a given port (to play an SMTP server that comes back).
    pub async fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind smtp");
        SmtpSink::serve(listener, port)
    }

    fn serve(listener: TcpListener, port: u16) -> SmtpSink {
        let messages = Arc::new(Mutex::new(Vec::new()));
        let store = messages.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read);
                    let _ = write.write_all(b"220 sink ESMTP ready\r\n").await;
                    let (mut from, mut to) = (String::new(), Vec::new());
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                            break;
                        }
                        let upper = line.trim_end().to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("HELO")
                            || upper.starts_with("NOOP")
                            || upper.starts_with("RSET")
                        {
                            b"250 OK\r\n"
                        } else if upper.starts_with("MAIL FROM:") {
                            from = line.trim_end()[10..]
                                .trim()
                                .trim_matches(|c| c == '<' || c == '>')
                                .to_owned();
                            to.clear();
                            b"250 OK\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to.push(
                                line.trim_end()[8..]
                                    .trim()
                                    .trim_matches(|c| c == '<' || c == '>')
                                    .to_lowercase(),
                            );
                            b"250 OK\r\n"
                        } else if upper == "DATA" {
                            let _ = write.write_all(b"354 end with .\r\n").await;
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" || line == ".\n" {
                                    break;
                                }
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            }
                            store.lock().expect("lock").push(Received {
                                from: from.clone(),
                                to: to.clone(),
                                data: decode_quoted_printable(&data),
                            });
                            b"250 OK queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        SmtpSink { port, messages }
    }

    pub fn all(&self) -> Vec<Received> {
        self.messages.lock().expect("lock").clone()
    }

    pub fn to(&self, address: &str) -> Vec<Received> {
        let address = address.to_lowercase();
        self.all()
            .into_iter()
            .filter(|m| m.to.contains(&address))
            .collect()
    }

    /// Waits (up to `timeout`) for a message to `address` whose subject contains `subject`.
    pub async fn wait_for(&self, address: &str, subject: &str, timeout: Duration) -> Received {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(m) = self
                .to(address)
                .into_iter()
                .rev()
                .find(|m| m.subject().contains(subject))
            {
                return m;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "no mail to {address} with subject {subject:?} within {timeout:?}; got {:?}",
                    self.all().iter().map(|m| m.subject()).collect::<Vec<_>>()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
