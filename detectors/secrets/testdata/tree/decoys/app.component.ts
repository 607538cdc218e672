export class LoginComponent {
  password: string;
  showPassword = false;
  constructor(private readonly auth: AuthService) {}
  submit(): void {
    this.auth.login({ username: this.username, password: this.password });
  }
}
