#include "resolver/daemon/worker.h"

#include <algorithm>

namespace redoubt::resolver {

Worker::Worker(std::shared_ptr<const Config> config, const Delegation& root_hints,
               SharedServerFlags* checksum_capable, cache::LmdbCache* cache,
               std::shared_ptr<const TrustAnchorStore> anchors, const MirrorSet* mirrors,
               NotifyHandler on_notify)
    : listen_(config->listen),
      checksum_capable_(checksum_capable),
      answer_cache_(cache),
      mirrors_(mirrors),
      on_notify_(std::move(on_notify)),
      cache_(clock_) {
  uv_loop_init(&loop_);
  cache_.SetRoot(root_hints);
  engine_ = std::make_shared<WorkerEngine>(std::move(config), std::move(anchors), Surroundings());
}

EngineSurroundings Worker::Surroundings() {
  EngineSurroundings around;
  around.loop = &loop_;
  around.clock = &clock_;
  around.stats = &stats_;
  around.delegations = &cache_;
  around.yielder = &yielder_;
  around.stopping = stopping_.get_token();
  around.cache = answer_cache_;
  around.checksum_capable = checksum_capable_;
  around.mirrors = mirrors_;
  around.on_notify = on_notify_;
  return around;
}

Worker::~Worker() {
  Stop();
  uv_loop_close(&loop_);
}

Result<void, std::string> Worker::Start() {
  auto handler = [this](std::vector<uint8_t> query, io::QueryContext context) {
    return AnswerOn(engine_, std::move(query), context);
  };
  // Cache hits over UDP: answered by the current engine's packet cache on the spot, with no
  // coroutine or copy of the query (Responder::AnswerFromCache).
  auto fast = [this](std::span<const uint8_t> query, const io::QueryContext& context, std::vector<uint8_t>& reply) {
    return engine_->responder.AnswerFromCache(query, context, reply);
  };
  for (const Endpoint& address : listen_) {
    auto udp = io::UdpListener::Open(&loop_, address, handler, &stats_.listener, client_tasks_.get(), fast);
    auto tcp = io::TcpListener::Open(&loop_, address, handler, &stats_.listener, {},
                                     client_tasks_.get());
    if (!udp || !tcp) {
      // The one of this address that did open is not in udp_/tcp_ yet: close it too, or its
      // handle keeps the loop below running for ever (a start on a half-taken port hung).
      if (udp) (*udp)->Close();
      if (tcp) (*tcp)->Close();
      CloseListeners();
      uv_run(&loop_, UV_RUN_DEFAULT);  // Let the closed handles go.
      uint32_t error = udp ? tcp.error().detail : udp.error().detail;
      return Unexpected("cannot listen on " + address.ToString() + ": " +
                        std::string(uv_strerror(-static_cast<int>(error))));
    }
    udp_.push_back(std::move(*udp));
    tcp_.push_back(std::move(*tcp));
  }
  uv_async_init(&loop_, &posted_signal_, [](uv_async_t* async) { static_cast<Worker*>(async->data)->RunPosted(); });
  posted_signal_.data = this;
  {
    std::lock_guard lock(posted_mutex_);
    accepting_posts_ = true;
  }
  uv_async_init(&loop_, &stop_, [](uv_async_t* async) { static_cast<Worker*>(async->data)->OnStop(); });
  stop_.data = this;
  uv_prepare_init(&loop_, &turn_end_);
  turn_end_.data = this;
  uv_prepare_start(&turn_end_, [](uv_prepare_t* prepare) { static_cast<Worker*>(prepare->data)->WriteResolvedAnswers(); });
  uv_unref(reinterpret_cast<uv_handle_t*>(&turn_end_));  // Never what keeps the loop running.
  engine_->store->DeferWrites(true);
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  return {};
}

void Worker::OnStop() {
  {
    std::lock_guard lock(posted_mutex_);
    accepting_posts_ = false;
    posted_.clear();  // Their promises break: the futures report no answer.
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&posted_signal_), nullptr);
  CloseListeners();
  stopping_.request_stop();  // On the loop thread: in-flight exchanges end now.
  // GSS-TSIG contexts are deleted at their servers (TKEY mode 5, RFC 2930 section 4.1): best
  // effort, half a second per server at most.
  for (auto& engine : draining_) {
    Detach(engine->upstream.DeleteGssContexts(500));
    engine->upstream.Shutdown();
    engine->store->DeferWrites(false);
  }
  Detach(engine_->upstream.DeleteGssContexts(500));
  engine_->upstream.Shutdown();
  engine_->store->DeferWrites(false);  // Queries still ending store at once from now on.
  uv_close(reinterpret_cast<uv_handle_t*>(&turn_end_), nullptr);
  yielder_.Close();  // Validations waiting for a turn go on now, and see the stop.
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_), nullptr);
}

bool Worker::Post(std::function<void()> task) {
  {
    std::lock_guard lock(posted_mutex_);
    if (!accepting_posts_) return false;
    posted_.push_back(std::move(task));
    uv_async_send(&posted_signal_);  // Under the lock: the stop callback closes the handle under it.
  }
  return true;
}

void Worker::WriteResolvedAnswers() {
  engine_->store->WritePending();
  for (auto& engine : draining_) engine->store->WritePending();
}

void Worker::RunPosted() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(posted_mutex_);
    tasks.swap(posted_);
  }
  for (auto& task : tasks) task();
}

std::future<size_t> Worker::ForgetBogus() {
  auto done = std::make_shared<std::promise<size_t>>();
  std::future<size_t> result = done->get_future();
  Post([this, done] { done->set_value(engine_->validator->Forget()); });
  return result;
}

std::future<size_t> Worker::ForgetDelegations() {
  auto done = std::make_shared<std::promise<size_t>>();
  std::future<size_t> result = done->get_future();
  Post([this, done] { done->set_value(cache_.ForgetZones()); });
  return result;
}

Task<std::vector<uint8_t>> Worker::AnswerOn(std::shared_ptr<WorkerEngine> engine, std::vector<uint8_t> query,
                                            io::QueryContext context) {
  ++engine->in_flight;
  Task<std::vector<uint8_t>> answer = engine->responder.Answer(std::move(query), context);
  std::vector<uint8_t> reply = co_await answer;
  QueryEnded(engine);
  co_return reply;
}

void Worker::QueryEnded(const std::shared_ptr<WorkerEngine>& engine) {
  // After Stop() began, swapped-out engines stay in draining_ and go with the worker.
  if (--engine->in_flight != 0 || engine == engine_ || stopping_.stop_requested()) return;
  auto draining = std::find(draining_.begin(), draining_.end(), engine);
  if (draining == draining_.end()) return;
  draining_.erase(draining);
  Detach(Retire(engine));
  if (draining_.empty()) {
    for (std::promise<void>& waiter : drained_waiters_) waiter.set_value();
    drained_waiters_.clear();
  }
}

std::future<Resolution> Worker::Fetch(dns::Question question) {
  auto done = std::make_shared<std::promise<Resolution>>();
  std::future<Resolution> result = done->get_future();
  Post([this, done, question = std::move(question)]() mutable {
    client_tasks_->Spawn(FetchOn(engine_, std::move(question), std::move(done)));
  });
  return result;
}

Task<void> Worker::FetchOn(std::shared_ptr<WorkerEngine> engine, dns::Question question,
                           std::shared_ptr<std::promise<Resolution>> done) {
  ++engine->in_flight;
  ClientFlags flags;
  flags.dnssec_ok = true;
  flags.checking_disabled = true;
  RequestContext request = engine->pipeline.NewRequest(std::move(question), flags, stopping_.get_token());
  Task<Resolution> resolving = engine->pipeline.Resolve(std::move(request));
  Resolution resolution = co_await resolving;
  done->set_value(std::move(resolution));
  QueryEnded(engine);
}

Task<void> Worker::Retire(std::shared_ptr<WorkerEngine> engine) {
  // GSS-TSIG contexts are deleted at their servers (TKEY mode 5, RFC 2930 section 4.1), as at
  // shutdown; the new engine negotiates its own.
  Task<void> deleted = engine->upstream.DeleteGssContexts(500);
  co_await deleted;
  engine->upstream.Shutdown();
  engine->store->DeferWrites(false);
  // Deleted on a later loop turn, outside the callbacks of its own sockets. When the worker is
  // stopping, Post refuses and the engine goes as this coroutine ends (still on the loop thread).
  Post([engine] {});
}

std::future<void> Worker::SwapEngine(std::shared_ptr<const Config> config,
                                     std::shared_ptr<const TrustAnchorStore> anchors, Delegation root_hints) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> result = done->get_future();
  Post([this, done, config = std::move(config), anchors = std::move(anchors),
        root_hints = std::move(root_hints)]() mutable {
    std::shared_ptr<WorkerEngine> old = std::move(engine_);
    engine_ = std::make_shared<WorkerEngine>(std::move(config), std::move(anchors), Surroundings());
    engine_->store->DeferWrites(true);
    cache_.SetRoot(root_hints);
    if (old->in_flight == 0) {
      Detach(Retire(std::move(old)));
    } else {
      draining_.push_back(std::move(old));
    }
    done->set_value();
  });
  return result;
}

std::future<void> Worker::WhenDrained() {
  auto request = std::make_shared<std::promise<void>>();
  std::future<void> result = request->get_future();
  Post([this, request] {
    if (draining_.empty()) {
      request->set_value();
    } else {
      drained_waiters_.push_back(std::move(*request));
    }
  });
  return result;
}

void Worker::CloseListeners() {
  for (auto& listener : udp_) listener->Close();
  for (auto& listener : tcp_) listener->Close();
}

void Worker::Stop() {
  if (!thread_.joinable()) return;
  uv_async_send(&stop_);
  thread_.join();
  // The loop ran out of handles: whatever is still in the scope waits on nothing that exists.
  stranded_ = client_tasks_->size();
  if (stranded_ != 0) (void)client_tasks_.release();
}

}  // namespace redoubt::resolver
