using Microsoft.Extensions.Logging;

namespace StudyBot.Telegram.Sending;

// The answers to one chat, sent in the order they were given, without holding the worker that gave
// them: Telegram lets a chat receive one message a second, and a worker that waited for that second
// could serve no other chat meanwhile. So a worker queues its answer and moves on; a chat with
// answers waiting has one sender of its own, which ends when the queue is empty.
// An answer still queued when the process stops is lost; what the learner wrote is already saved
// by then (the worker queues the confirmation after the save).
internal sealed partial class ChatReplies(BotMessenger messenger, ILogger<ChatReplies> logger) : IAsyncDisposable
{
    // Answers waiting for one chat; beyond it an answer is dropped with a log line. Only a chat that
    // sends far faster than it can be answered gets there, and its texts are saved all the same.
    public const int MaxQueuedPerChat = 100;

    private static readonly TimeSpan DrainOnStop = TimeSpan.FromSeconds(5);

    private readonly Lock sync = new();
    private readonly Dictionary<long, Queue<Func<CancellationToken, Task>>> waiting = [];
    private readonly HashSet<Task> senders = [];
    private readonly CancellationTokenSource stopping = new();

    // True while some chat still has an answer queued or on its way.
    public bool IsBusy
    {
        get
        {
            lock (sync)
            {
                return waiting.Count > 0;
            }
        }
    }

    public void Queue(OutgoingMessage message) =>
        Enqueue(message.ChatId, ct => messenger.SendAsync(message, SendPriority.Interactive, ct));

    // For a send whose outcome the caller needs (a file, a message to edit later): it waits behind
    // the answers queued before it, so the chat sees everything in the order it was given.
    public Task<SendOutcome> SendInTurnAsync(long chatId, Func<CancellationToken, Task<SendOutcome>> send, CancellationToken cancellationToken)
    {
        var outcome = new TaskCompletionSource<SendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = Enqueue(chatId, async ct =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellationToken);
            try
            {
                outcome.TrySetResult(await send(linked.Token));
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                outcome.TrySetCanceled(linked.Token);
            }
            catch (Exception e)
            {
                outcome.TrySetException(e);
            }
        }, force: true);
        return queued ? outcome.Task : Task.FromResult(new SendOutcome(SendStatus.Failed, Error: "the bot is stopping"));
    }

    private bool Enqueue(long chatId, Func<CancellationToken, Task> send, bool force = false)
    {
        lock (sync)
        {
            if (stopping.IsCancellationRequested)
            {
                return false;
            }

            if (waiting.TryGetValue(chatId, out var queue))
            {
                if (queue.Count >= MaxQueuedPerChat && !force)
                {
                    LogDropped(chatId);
                    return false;
                }

                queue.Enqueue(send);
                return true;
            }

            waiting[chatId] = new Queue<Func<CancellationToken, Task>>([send]);
            var sender = Task.Run(() => SendAllAsync(chatId));
            senders.Add(sender);
            _ = sender.ContinueWith(
                done =>
                {
                    lock (sync)
                    {
                        senders.Remove(done);
                    }
                },
                TaskScheduler.Default);
            return true;
        }
    }

    private async Task SendAllAsync(long chatId)
    {
        while (true)
        {
            Func<CancellationToken, Task> next;
            lock (sync)
            {
                var queue = waiting[chatId];
                next = queue.Peek();
            }

            try
            {
                await next(stopping.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                LogFailed(e, chatId);
            }
            catch (OperationCanceledException)
            {
                // Stopping: each answer still queued is given up the same way, at once.
            }

            lock (sync)
            {
                var queue = waiting[chatId];
                queue.Dequeue();
                if (queue.Count == 0)
                {
                    waiting.Remove(chatId);
                    return;
                }
            }
        }
    }

    // Answers already queued get a few seconds to go out; a stop must not wait on Telegram for long.
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (sync)
        {
            running = [.. senders];
        }

        await Task.WhenAny(Task.WhenAll(running), Task.Delay(DrainOnStop));
        lock (sync)
        {
            stopping.Cancel();
            running = [.. senders];
        }

        await Task.WhenAll(running);
        stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat {ChatId} has too many answers waiting; one was dropped")]
    private partial void LogDropped(long chatId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answering chat {ChatId} failed")]
    private partial void LogFailed(Exception exception, long chatId);
}
