using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace StudyBot.FakeBotApi;

// An in-process Telegram Bot API on 127.0.0.1 with a random port. The bot under test talks to it
// through the real Telegram.Bot client; tests play the users through the methods of
// FakeBotApiServer.Users.cs.
//
// One class in parts, by concern; all of its state is declared here, in this file:
//   FakeBotApiServer.cs              fields, start and stop, helpers the parts share
//   FakeBotApiServer.Users.cs        what tests do as users (send, edit, press)
//   FakeBotApiServer.Groups.cs       group chats: created, the bot added or removed, posts, upgrades
//   FakeBotApiServer.Sent.cs         what tests read back of what the bot did, or wait for
//   FakeBotApiServer.Faults.cs       injected errors, delays and dropped connections; a request's fate
//   FakeBotApiServer.Limits.cs       Telegram's sending limits and the counts of their violations
//   FakeBotApiServer.Http.cs         /bot{token}/{method}: reading the request, dispatch, writing the answer
//   FakeBotApiServer.Methods.cs      the faked methods (getUpdates, send*, edit, *MyCommands, files)
//   FakeBotApiServer.ChatMethods.cs  the faked methods of chats (getChatMember, setMessageReaction, leaveChat)
public sealed partial class FakeBotApiServer : IAsyncDisposable
{
    public const string DefaultToken = "4242:fake-token-for-tests-only";
    public const string BotUsername = "StudyTestBot";
    public const long BotUserId = 123456789;

    // Telegram's supergroup ids are -100 followed by the channel id; basic groups' are above.
    private const long SupergroupIdsFrom = -1_000_000_000_000;

    private readonly WebApplication app;
    private readonly object gate = new();

    // Updates, what the bot sent and the files it can fetch (Users.cs, Methods.cs); under `gate`,
    // but for lastMessageIdByChat (a concurrent map), lastFileNumber and editsNotModified (interlocked).
    private readonly List<Update> pending = [];
    private readonly List<Update> history = [];
    private readonly List<SentMessage> sent = [];
    private readonly List<CommandMenuCall> commandMenus = [];

    // setChatMenuButton: the button of each private chat that has its own, and the default one.
    private readonly Dictionary<long, JsonNode> menuButtons = [];
    private JsonNode? defaultMenuButton;
    private readonly List<ButtonAnswer> buttonAnswers = [];
    private int editsNotModified;
    private readonly ConcurrentDictionary<long, int> lastMessageIdByChat = new();
    private readonly Dictionary<string, byte[]> files = new(StringComparer.Ordinal);

    // Files sent with reportsSize: false, whose size neither the message nor getFile tells (Telegram may leave it out).
    private readonly HashSet<string> filesWithoutSize = new(StringComparer.Ordinal);
    private int lastFileNumber;
    private TaskCompletionSource updatesArrived = NewSignal();
    private TaskCompletionSource sentChanged = NewSignal();
    private int lastUpdateId = 1000;
    private int confirmedBelow;

    // Group chats a test created (Groups.cs), and the bot's reactions by message (ChatMethods.cs); under `gate`.
    private readonly Dictionary<long, GroupChat> groups = [];
    private readonly Dictionary<(long ChatId, int MessageId), string[]> reactions = [];

    // Injected faults (Faults.cs); under `gate`.
    private readonly List<Fault> faults = [];
    private readonly HashSet<long> blockedChats = [];
    private readonly HashSet<long> missingChats = [];
    private readonly List<ChatFault> chatFaults = [];
    private readonly List<Countdown> drops = [];
    private readonly List<Countdown> slowdowns = [];

    // Sends held until released (Faults.cs); under `gate`.
    private readonly HashSet<long> heldChats = [];
    private readonly Dictionary<long, int> heldSends = [];
    private TaskCompletionSource holdsReleased = NewSignal();

    // Telegram's limits (Limits.cs): the windows under `limitGate`, and the counts of refusals.
    private const int MinPruneThreshold = 1024;
    private readonly object limitGate = new();
    private readonly Queue<long> globalWindow = new();
    private readonly Dictionary<long, Queue<long>> chatWindows = [];
    private int pruneChatWindowsAt = MinPruneThreshold;
    private int globalLimitHits;
    private int chatLimitHits;
    private int groupLimitHits;
    private int tooManyRequestsAnswered;

    // Send requests being answered now, and the most at once (Http.cs).
    private int concurrentSends;
    private int maxConcurrentSends;

    private FakeBotApiServer(WebApplication app, string token)
    {
        this.app = app;
        Token = token;
    }

    public string Token { get; }
    public string BaseUrl { get; private set; } = "";
    public int GetUpdatesCalls { get; private set; }
    public TimeSpan ResponseDelay { get; set; }

    // Telegram's sending limits; null (the default) = no limits. See FakeLimits.
    public FakeLimits? Limits { get; set; }

    public static async Task<FakeBotApiServer> StartAsync(string token = DefaultToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxRequestBodySize = 60 * 1024 * 1024;
        });
        var app = builder.Build();
        var server = new FakeBotApiServer(app, token);
        app.Map("/bot{token}/{method}", server.HandleAsync);
        app.MapGet("/file/bot{token}/{**filePath}", server.DownloadAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static User BotUser() => new() { Id = BotUserId, IsBot = true, FirstName = "StudyBot", Username = BotUsername };

    // A chat as Telegram shows it: a group a test created has its title; any other negative id is
    // a group or supergroup by its range, as Telegram numbers them.
    private Chat ChatOf(long chatId)
    {
        lock (gate)
        {
            if (groups.TryGetValue(chatId, out var group))
            {
                return group.ToChat();
            }
        }

        var type = chatId switch
        {
            >= 0 => ChatType.Private,
            <= SupergroupIdsFrom => ChatType.Supergroup,
            _ => ChatType.Group,
        };
        return new Chat { Id = chatId, Type = type };
    }

    private int NextMessageId(long chatId) => lastMessageIdByChat.AddOrUpdate(chatId, 1, (_, last) => last + 1);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Signal(ref TaskCompletionSource signal)
    {
        var previous = signal;
        signal = NewSignal();
        previous.TrySetResult();
    }
}
