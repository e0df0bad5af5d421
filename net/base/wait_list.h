// WaitList: coroutines parked until NotifyAll() or until their std::stop_token is triggered.
//
// The resolver parks coroutines while another one does the work they need (coalesced identical
// questions, a drained TaskScope). A bare vector of coroutine_handles cannot be cancelled: a
// waiter whose frame is destroyed, or whose client gave up, leaves a dangling handle behind.
// Here each waiter is an awaiter object living in the waiting coroutine's frame and linked into
// an intrusive list, so it can unlink itself when it is cancelled or destroyed.
//
// Threading: single-threaded, like the event loop that owns the list. Every NotifyAll(),
// request_stop() and destruction happens on the thread the waiters run on. std::stop_callback
// runs the callback on the thread that calls request_stop(), so a stop requested from another
// thread would resume the coroutine there: not supported. A cancelled waiter resumes inside
// request_stop(), which is still walking the stop state's callbacks: the resumed code must not
// destroy the last stop_source/stop_token sharing that state (libstdc++ holds no reference of its
// own during the call).
//
// Like a condition variable, a WaitList holds no state of its own: the caller checks its
// condition before waiting and after a wake-up.
#pragma once

#include <coroutine>
#include <cstddef>
#include <optional>
#include <stop_token>
#include <utility>

namespace redoubt {

namespace wait_detail {

// A node of a circular doubly linked list; an unlinked node points at itself, so Unlink() is
// idempotent and needs no list. `owner_count` is the counter of the WaitList the node is in.
struct Link {
  Link() = default;
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  bool linked() const noexcept { return next != this; }
  void InsertBefore(Link& position) noexcept {
    prev = position.prev;
    next = &position;
    position.prev->next = this;
    position.prev = this;
  }
  void Unlink() noexcept {
    prev->next = next;
    next->prev = prev;
    prev = next = this;
    if (owner_count != nullptr) --*owner_count;
    owner_count = nullptr;
  }

  Link* prev = this;
  Link* next = this;
  std::size_t* owner_count = nullptr;
};

}  // namespace wait_detail

class WaitList {
 public:
  class Awaiter;

  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;
  // Unlinks the waiters still parked and leaves them suspended: resuming them from a destructor
  // would let them run against a half-destroyed owner. They can still be cancelled through
  // their stop_token, and their frames are freed by whoever owns them. Call NotifyAll() first
  // if they should run.
  ~WaitList();

  // Returns an awaiter for `co_await list.Wait(stop)`, which parks the calling coroutine and
  // yields true once NotifyAll() wakes it, or false if `stop` is (or becomes) stop-requested
  // first; a stop already requested returns false without parking. Each waiter is resumed at
  // most once. If the waiting coroutine's frame is destroyed while parked, the awaiter unlinks
  // itself and deregisters its stop callback.
  [[nodiscard]] Awaiter Wait(std::stop_token stop) noexcept;

  // Resumes, in the order they parked, every waiter parked when the call starts; each resumes
  // inside this call, before the next. Waiters that park during the call wait for the next
  // NotifyAll(); waiters cancelled or destroyed during the call are skipped. The resumed
  // coroutines may destroy the list: NotifyAll() does not touch it after its first step.
  void NotifyAll() noexcept;

  // Number of waiters currently parked (not counting those being resumed by NotifyAll()).
  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }

 private:
  void Park(wait_detail::Link& waiter) noexcept;

  wait_detail::Link head_;
  std::size_t count_ = 0;
};

// The awaiter of WaitList::Wait. It lives in the waiting coroutine's frame for the duration of
// the co_await; it cannot be copied or moved because the list and the stop callback point at it.
class WaitList::Awaiter : private wait_detail::Link {
 public:
  Awaiter(const Awaiter&) = delete;
  Awaiter& operator=(const Awaiter&) = delete;
  // Unlinks the waiter and deregisters its stop callback (the frame is being destroyed while
  // parked, or the co_await has ended and this is a no-op).
  ~Awaiter() {
    stop_callback_.reset();
    Unlink();
  }

  bool await_ready() const noexcept { return stop_.stop_requested(); }
  bool await_suspend(std::coroutine_handle<> waiter) noexcept;
  // True: woken by NotifyAll(). False: cancelled through the stop_token.
  bool await_resume() noexcept {
    stop_callback_.reset();
    return state_ == State::kNotified;
  }

 private:
  friend class WaitList;
  enum class State { kIdle, kParked, kNotified, kCancelled };

  struct OnStop {
    Awaiter* awaiter;
    void operator()() const noexcept { awaiter->Wake(State::kCancelled); }
  };

  Awaiter(WaitList& list, std::stop_token stop) noexcept : list_(list), stop_(std::move(stop)) {}

  // Called by NotifyAll() and by the stop callback. Only a parked waiter is woken, so each
  // waiter resumes at most once even if both arrive (the callback is normally deregistered as
  // soon as the waiter resumes; the state check keeps a late call harmless regardless).
  void Wake(State outcome) noexcept;

  WaitList& list_;
  std::stop_token stop_;
  std::coroutine_handle<> waiter_;
  State state_ = State::kIdle;
  // True while await_suspend registers the stop callback: a callback that fires then (stop
  // requested in between) must not resume a coroutine that has not finished suspending.
  bool suspending_ = false;
  std::optional<std::stop_callback<OnStop>> stop_callback_;
};

inline WaitList::~WaitList() {
  while (head_.linked()) head_.next->Unlink();
}

inline WaitList::Awaiter WaitList::Wait(std::stop_token stop) noexcept {
  return Awaiter(*this, std::move(stop));
}

inline void WaitList::Park(wait_detail::Link& waiter) noexcept {
  waiter.InsertBefore(head_);
  waiter.owner_count = &count_;
  ++count_;
}

inline void WaitList::NotifyAll() noexcept {
  // Move every parked waiter onto a ring on this stack frame: later arrivals park on head_
  // instead, and the loop below no longer needs the list to exist.
  wait_detail::Link batch;
  while (head_.linked()) {
    wait_detail::Link* waiter = head_.next;
    waiter->Unlink();
    waiter->InsertBefore(batch);
  }
  while (batch.linked()) {
    static_cast<Awaiter*>(batch.next)->Wake(Awaiter::State::kNotified);
  }
}

inline bool WaitList::Awaiter::await_suspend(std::coroutine_handle<> waiter) noexcept {
  waiter_ = waiter;
  state_ = State::kParked;
  list_.Park(*this);
  if (stop_.stop_possible()) {
    suspending_ = true;
    stop_callback_.emplace(stop_, OnStop{this});
    suspending_ = false;
  }
  return state_ == State::kParked;  // False: cancelled meanwhile, so resume at once.
}

inline void WaitList::Awaiter::Wake(State outcome) noexcept {
  if (state_ != State::kParked) return;
  Unlink();
  state_ = outcome;
  if (!suspending_) waiter_.resume();
}

}  // namespace redoubt
