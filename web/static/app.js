/* Starts the rasa-webchat widget inside #chat with the settings from /config.js. */
(function () {
  "use strict";

  var config = window.RETROWALK_CONFIG;
  var chat = document.getElementById("chat");
  var status = document.getElementById("chat-status");

  function showStatus(text) {
    status.textContent = text;
    status.hidden = false;
    chat.appendChild(status);
  }

  if (!config || !window.WebChat || typeof window.WebChat.default !== "function") {
    showStatus("The chat could not be loaded. Please reload the page.");
    return;
  }

  // A short "typing" pause before each bot message, longer for longer messages.
  function messageDelay(text) {
    return Math.min(1200, Math.max(250, 12 * (text || "").length));
  }

  // The widget scrolls down when a message arrives, before an image has its height:
  // scroll again once an image (the progress chart) has loaded.
  chat.addEventListener(
    "load",
    function (event) {
      var target = event.target;
      if (target && target.classList && target.classList.contains("rw-image-frame")) {
        var list = chat.querySelector(".rw-messages-container");
        if (list) {
          list.scrollTop = list.scrollHeight;
        }
      }
    },
    true
  );

  status.hidden = true;
  window.WebChat.default(
    {
      socketUrl: config.socketUrl,
      socketPath: config.socketPath,
      initPayload: config.initPayload,
      title: config.title,
      subtitle: config.subtitle,
      inputTextFieldHint: "Type a message…",
      connectingText: "Connecting to the coach…",
      profileAvatar: "/static/icon.svg",
      embedded: true,
      hideWhenNotConnected: false,
      showMessageDate: false,
      customMessageDelay: messageDelay,
      mainColor: "#1f6f5c",
      userBackgroundColor: "#1f6f5c",
      userTextColor: "#ffffff",
      assistBackgoundColor: "#eef2ef",
      assistTextColor: "#1d2521",
      params: { storage: "local" },
      onSocketEvent: {
        connect: function () {
          document.body.setAttribute("data-chat", "connected");
        },
        disconnect: function () {
          document.body.setAttribute("data-chat", "disconnected");
        },
        connect_error: function () {
          document.body.setAttribute("data-chat", "error");
        },
      },
    },
    chat
  );
})();
