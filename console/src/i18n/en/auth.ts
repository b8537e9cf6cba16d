/** The sign-in area. */
export default {
  fields: {
    email: "Email",
    password: "Password",
    newPassword: "New password",
    confirmPassword: "Confirm the password",
  },
  login: {
    title: "Sign in to Parley",
    submit: "Sign in",
    submitting: "Signing in…",
    forgot: "Forgot your password?",
    invalid: "The email or the password is not right.",
    rateLimited: "Too many attempts. Wait a few minutes, then try again.",
    expired: "Your session has ended. Sign in again.",
    signedOut: "You are signed out.",
  },
  forgot: {
    title: "Reset your password",
    lead: "Enter the email you sign in with. We send a link to set a new password.",
    submit: "Send the link",
    sent: "If an account uses this email, a link to set a new password is on its way. It works once and expires.",
  },
  reset: {
    title: "Set your password",
    hint: "At least 8 characters.",
    mismatch: "The two passwords are not the same.",
    submit: "Set the password",
    done: "Your password is set. Sign in with it.",
    signIn: "Sign in",
    noToken: "This link is incomplete. Open the link from the email again, or ask for a new one.",
  },
  backToSignIn: "Back to sign in",
  noAccounts: {
    title: "No sub-account yet",
    body: "You are signed in, but you are not a member of any sub-account. Ask an administrator to add you.",
  },
};
