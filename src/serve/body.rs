//! Request bodies in and streamed answers out: the first MiB of a body read with a time bound (one
//! profile), the rest handed piece by piece to the CLI's blocking batch pipeline through a bounded
//! channel (a `BufRead`), and its output handed back through another bounded channel (a `Write`) to
//! the response: memory stays flat whatever the batch's size, and a client that stops reading stops
//! the batch.

use std::io::{self, BufRead, Read, Write};

use axum::body::{Body, BodyDataStream};
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::REQUEST_TIME;

/// The beginning of a body, and the rest when it goes on.
pub(crate) struct Head {
    pub(crate) bytes: Vec<u8>,
    /// `None`: the body ended within the limit.
    pub(crate) rest: Option<BodyDataStream>,
}

/// Why a body could not be read.
pub(crate) enum BodyError {
    /// Nothing came for `REQUEST_TIME`.
    Slow,
    /// The connection broke.
    Broken,
}

/// Reads a body up to `limit` bytes (more only if the piece that crosses it does).
pub(crate) async fn head(body: Body, limit: usize) -> Result<Head, BodyError> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    loop {
        if bytes.len() > limit {
            return Ok(Head {
                bytes,
                rest: Some(stream),
            });
        }
        match tokio::time::timeout(REQUEST_TIME, stream.next()).await {
            Err(_) => return Err(BodyError::Slow),
            Ok(None) => return Ok(Head { bytes, rest: None }),
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(piece))) => bytes.extend_from_slice(&piece),
        }
    }
}

/// Reads and drops what remains of a body refused, up to `limit` bytes, so that a client which sends
/// its whole body before reading gets the answer rather than a reset connection; beyond, the
/// connection is closed after the answer.
pub(crate) async fn drain(rest: Option<BodyDataStream>, limit: usize) {
    let Some(mut rest) = rest else { return };
    let mut read = 0;
    while read <= limit {
        match tokio::time::timeout(REQUEST_TIME / 2, rest.next()).await {
            Ok(Some(Ok(piece))) => read += piece.len(),
            _ => return,
        }
    }
}

/// The body as a blocking reader: the head, then the rest as it arrives (each piece within
/// `REQUEST_TIME`).
pub(crate) fn reader(head: Head) -> ChannelReader {
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(4);
    if let Some(mut rest) = head.rest {
        tokio::spawn(async move {
            loop {
                let next = match tokio::time::timeout(REQUEST_TIME, rest.next()).await {
                    Err(_) => Some(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "rien reçu pendant 10 secondes",
                    ))),
                    Ok(None) => None,
                    Ok(Some(Err(_))) => Some(Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "connexion interrompue",
                    ))),
                    Ok(Some(Ok(piece))) => Some(Ok(piece)),
                };
                let Some(next) = next else { break };
                let stop = next.is_err();
                if tx.send(next).await.is_err() || stop {
                    break;
                }
            }
        });
    }
    ChannelReader {
        current: Bytes::from(head.bytes),
        rx,
    }
}

pub(crate) struct ChannelReader {
    current: Bytes,
    rx: mpsc::Receiver<io::Result<Bytes>>,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChannelReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                None => break,
                Some(piece) => self.current = piece?,
            }
        }
        Ok(&self.current)
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.current.len());
        let _ = self.current.split_to(amt);
    }
}

/// What the blocking side sends to the response.
pub(crate) enum Out {
    Data(Bytes),
    /// The pipeline ended (`Err` when it stopped on an error), having read so many bytes.
    Done(Result<(), crate::Error>),
}

/// Output pieces of this size go to the response.
const PIECE: usize = 32 * 1024;

/// The response as a blocking writer.
pub(crate) struct ChannelWriter {
    buf: Vec<u8>,
    tx: mpsc::Sender<Out>,
}

impl ChannelWriter {
    pub(crate) fn new(tx: mpsc::Sender<Out>) -> Self {
        ChannelWriter {
            buf: Vec::with_capacity(PIECE),
            tx,
        }
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE)));
        self.tx.blocking_send(Out::Data(piece)).map_err(|_| {
            io::Error::new(
                io::ErrorKind::BrokenPipe,
                "le client ne lit plus la réponse",
            )
        })
    }

    /// Sends what remains, then the end.
    pub(crate) fn finish(mut self, result: Result<(), crate::Error>) {
        let result = match self.send() {
            Ok(()) => result,
            Err(e) => Err(crate::Error::Io {
                path: "réponse".into(),
                source: e,
            }),
        };
        let _ = self.tx.blocking_send(Out::Done(result));
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The rest of a streamed answer, after its first piece, as a response body; an error ends the
/// body abruptly, so that the client sees the answer is cut.
pub(crate) fn rest_body(first: Bytes, rx: mpsc::Receiver<Out>) -> Body {
    let first = futures_util::stream::once(async move { Ok::<Bytes, io::Error>(first) });
    let rest = futures_util::stream::unfold(Some(rx), |rx| async move {
        let mut rx = rx?;
        match rx.recv().await {
            Some(Out::Data(piece)) => Some((Ok(piece), Some(rx))),
            Some(Out::Done(Ok(()))) | None => None,
            Some(Out::Done(Err(e))) => Some((Err(io::Error::other(e.to_string())), None)),
        }
    });
    Body::from_stream(first.chain(rest))
}
