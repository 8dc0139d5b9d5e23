// The sign-in page: shows why the last attempt failed (the server sends ?error=).
const reasons = {
  credentials: 'Wrong username or password.',
  blocked: 'Too many failed sign-ins from here. Wait a while, then try again.',
  busy: 'The server is busy checking other sign-ins. Try again in a few seconds.',
  https: 'Sign in over HTTPS.',
  expired: 'Your session has ended. Sign in again.',
};
const error = new URLSearchParams(location.search).get('error');
if (error && Object.hasOwn(reasons, error)) {
  const failure = document.getElementById('failure');
  failure.textContent = reasons[error];
  failure.hidden = false;
}
