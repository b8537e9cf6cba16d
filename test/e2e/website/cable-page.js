// A website page that subscribes to Parley's /cable with the unmodified @rails/actioncable, the way
// Chatwoot's widget and dashboard do, and lists everything it receives. The test opens it as
// /?title=…&cable=ws://…/cable&identifier={"channel":"RoomChannel",…}.
import { createConsumer } from "@rails/actioncable";

const params = new URLSearchParams(location.search);
const list = document.querySelector("#events");
const status = document.querySelector("#status");
document.querySelector("#title").textContent = params.get("title");

window.cableEvents = [];
function record(entry) {
  window.cableEvents.push(entry);
  status.textContent = `${window.cableEvents.length} callbacks, last: ${entry.callback}`;
  const item = document.createElement("li");
  const name = document.createElement("span");
  name.className = "event";
  name.textContent = entry.event ?? entry.callback;
  const data = document.createElement("span");
  data.className = "data";
  data.textContent = entry.data === undefined ? "" : ` ${summary(entry.data)}`;
  item.append(name, data);
  list.append(item);
}

/** One line a reader can scan: a message's content, who is typing, or the data itself. */
function summary(data) {
  let text = JSON.stringify(data);
  if (data?.content !== undefined) {
    text = `"${data.content}" message_type=${data.message_type} private=${data.private} id=${data.id} conversation_id=${data.conversation_id}`;
  } else if (data?.conversation && data.user) {
    text = `conversation_id=${data.conversation.id} by ${data.user.type} ${data.user.id}`;
  }
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

const consumer = createConsumer(params.get("cable"));
window.subscription = consumer.subscriptions.create(JSON.parse(params.get("identifier")), {
  connected: () => record({ callback: "connected" }),
  rejected: () => record({ callback: "rejected" }),
  disconnected: () => record({ callback: "disconnected" }),
  received: (message) => record({ callback: "received", event: message.event, data: message.data }),
});
