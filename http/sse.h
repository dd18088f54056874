// Server-Sent Events stream: the node pushes events, the server writes them to one
// open HTTP connection.
//
// A handler creates a stream, hands it to whatever produces events (e.g. the alert
// hub) and returns Response::EventStream(stream). The server then sends the response
// headers and writes every pushed event as it arrives; the connection stays open
// until the stream is closed. A stream closes exactly once, for one of:
//   - Close() by the producer (the server flushes what is buffered, then ends the
//     connection);
//   - the client disconnects (detected by the server; buffered events are dropped);
//   - overflow: more than `max_buffered` events wait unwritten because the client
//     reads too slowly. The stream closes rather than silently losing events: the
//     client reconnects and resumes with the Last-Event-ID header;
//   - the server stops.
// After closing, Push returns false and the on-close callback (if any) runs once, so
// the producer can drop its reference.
//
// Thread safety: all methods are thread-safe. The on-close callback runs on the
// thread that closed the stream, with no lock held; it must not block.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace cc::http {

class SseStream {
 public:
  enum class CloseReason { kOpen, kClosed, kDisconnected, kOverflow, kServerStopped };

  explicit SseStream(size_t max_buffered = 256);
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  // Queues one event. `event` (the "event:" field) and `id` may be empty; `data` may
  // span lines (each line becomes one "data:" field). CR and LF in `event` and `id`
  // are replaced by spaces. Returns false (and queues nothing) if the stream is
  // closed or this push overflowed it.
  bool Push(std::string_view event, std::string_view data, std::string_view id = {});
  // Queues an SSE comment (": text"), e.g. a keep-alive; same return as Push.
  bool PushComment(std::string_view text);
  // Producer-side close: buffered events are still written, then the connection
  // ends. Idempotent.
  void Close();

  bool closed() const;
  CloseReason close_reason() const;
  // Sets the callback run once when the stream closes; runs it at once if the stream
  // is already closed.
  void SetOnClose(std::function<void()> on_close);

  // ---- Used by HttpServer only. ----
  // Installs the function that wakes the writer when there is something to write or
  // the stream closes. It is called with the stream's lock held and must only post
  // work elsewhere (never call back into the stream).
  void AttachWriter(std::function<void()> wake);
  // Moves all buffered, formatted event bytes into *out. Returns true while the
  // writer should keep the connection open: false once the stream is closed and
  // (for a producer Close) everything buffered has been taken.
  bool TakeBuffered(std::string* out);
  // The connection is gone (or the server is stopping): closes with `reason`,
  // drops buffered events and detaches the writer. After it returns the wake
  // function is never called again.
  void DetachWriter(CloseReason reason);

 private:
  bool Enqueue(std::string frame);
  // REQUIRES: mu_ held. Returns the callback to run after unlocking.
  std::function<void()> CloseLocked(CloseReason reason);

  const size_t max_buffered_;
  mutable std::mutex mu_;
  std::deque<std::string> frames_;
  CloseReason reason_ = CloseReason::kOpen;
  std::function<void()> wake_;
  std::function<void()> on_close_;
};

}  // namespace cc::http
