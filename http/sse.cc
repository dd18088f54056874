#include "http/sse.h"

#include <utility>

namespace cc::http {

namespace {

std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

SseStream::SseStream(size_t max_buffered) : max_buffered_(max_buffered == 0 ? 1 : max_buffered) {}

bool SseStream::Push(std::string_view event, std::string_view data, std::string_view id) {
  std::string frame;
  frame.reserve(data.size() + event.size() + id.size() + 32);
  if (!id.empty()) frame += "id: " + OneLine(id) + "\n";
  if (!event.empty()) frame += "event: " + OneLine(event) + "\n";
  // Every line of data is one "data:" field; CRLF, CR and LF all end a line.
  size_t start = 0;
  while (true) {
    const size_t end = data.find_first_of("\r\n", start);
    frame += "data: ";
    frame += data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    frame += "\n";
    if (end == std::string_view::npos) break;
    start = end + 1;
    if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
    if (start == data.size()) break;
  }
  frame += "\n";
  return Enqueue(std::move(frame));
}

bool SseStream::PushComment(std::string_view text) { return Enqueue(": " + OneLine(text) + "\n\n"); }

bool SseStream::Enqueue(std::string frame) {
  std::function<void()> on_close;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reason_ != CloseReason::kOpen) return false;
    if (frames_.size() >= max_buffered_) {
      on_close = CloseLocked(CloseReason::kOverflow);
    } else {
      frames_.push_back(std::move(frame));
      if (wake_) wake_();
      return true;
    }
  }
  if (on_close) on_close();
  return false;
}

void SseStream::Close() {
  std::function<void()> on_close;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reason_ != CloseReason::kOpen) return;
    on_close = CloseLocked(CloseReason::kClosed);
  }
  if (on_close) on_close();
}

std::function<void()> SseStream::CloseLocked(CloseReason reason) {
  reason_ = reason;
  // Only a producer Close keeps the buffer, to be flushed; otherwise nobody will
  // ever read it.
  if (reason != CloseReason::kClosed) frames_.clear();
  if (wake_) wake_();
  return std::exchange(on_close_, nullptr);
}

bool SseStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reason_ != CloseReason::kOpen;
}

SseStream::CloseReason SseStream::close_reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reason_;
}

void SseStream::SetOnClose(std::function<void()> on_close) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (reason_ == CloseReason::kOpen) {
      on_close_ = std::move(on_close);
      return;
    }
  }
  if (on_close) on_close();
}

void SseStream::AttachWriter(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = std::move(wake);
  if (wake_ && (!frames_.empty() || reason_ != CloseReason::kOpen)) wake_();
}

bool SseStream::TakeBuffered(std::string* out) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::string& f : frames_) *out += f;
  frames_.clear();
  return reason_ == CloseReason::kOpen;
}

void SseStream::DetachWriter(CloseReason reason) {
  std::function<void()> on_close;
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = nullptr;
    if (reason_ == CloseReason::kOpen) on_close = CloseLocked(reason);
    frames_.clear();
  }
  if (on_close) on_close();
}

}  // namespace cc::http
