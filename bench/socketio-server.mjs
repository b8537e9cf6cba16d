// The realtime benchmark's baseline (see realtime.bench.mjs): the same scenario as Parley's
// /cable, done minimally with socket.io in its own process. `POST /conversations/:id/messages`
// with {content, echo_id} stores the message in memory (a repeated echo_id answers the stored one)
// and emits it to the conversation's room; clients join rooms with `join` (a list of conversation
// ids; agents join every room, a visitor its own). Prints `listening <port>` on stdout.
import { createServer } from "node:http";
import { Server } from "socket.io";

const conversations = new Map(); // id → { messages: [], byEcho: Map }
let nextMessageId = 1;

function conversation(id) {
  let found = conversations.get(id);
  if (!found) conversations.set(id, (found = { messages: [], byEcho: new Map() }));
  return found;
}

const reply = (res, status, body) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

const http = createServer((req, res) => {
  const match = req.method === "POST" && /^\/conversations\/(\d+)\/messages$/.exec(req.url ?? "");
  if (!match) return reply(res, 404, { error: "not found" });
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    let input;
    try {
      input = JSON.parse(raw);
    } catch {
      return reply(res, 400, { error: "malformed json" });
    }
    if (typeof input?.content !== "string" || input.content.trim() === "") return reply(res, 422, { error: "content" });
    const conversationId = Number(match[1]);
    const room = conversation(conversationId);
    const known = input.echo_id ? room.byEcho.get(input.echo_id) : undefined;
    if (known) return reply(res, 200, known);
    const message = {
      id: nextMessageId++,
      content: input.content,
      echo_id: input.echo_id ?? null,
      conversation_id: conversationId,
      message_type: 0,
      created_at: Math.floor(Date.now() / 1000),
    };
    room.messages.push(message);
    if (message.echo_id) room.byEcho.set(message.echo_id, message);
    io.to(`conversation:${conversationId}`).emit("event", { event: "message.created", data: message });
    reply(res, 200, message);
  });
});

const io = new Server(http, { transports: ["websocket"], serveClient: false });
io.on("connection", (socket) => {
  socket.on("join", (ids, ack) => {
    if (Array.isArray(ids)) socket.join(ids.map((id) => `conversation:${id}`));
    if (typeof ack === "function") ack("joined");
  });
});

http.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${http.address().port}\n`);
});
process.on("SIGTERM", () => {
  io.close();
  process.exit(0);
});
